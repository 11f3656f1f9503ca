//! Typed identifiers. Ids are non-empty strings unique across units, orgs, people and
//! initiatives together; the newtypes keep a unit id from being passed where an org id is due.
//!
//! Ids (and the open vocabularies of activity kinds and designations) are *interned*: each
//! distinct text is stored once per process and numbered densely from 0 in the order first
//! seen; an id is that 4-byte number. Copying one is free, comparing two is comparing
//! numbers, and a large ledger holds one copy of each person id however many activities list
//! that person. Because the numbers are dense, a table indexed by them ([`SymTable`])
//! resolves an id to its record with one array access instead of a hash lookup: validation
//! and the metric engine resolve every reference that way. The price: interned texts are
//! kept until the process ends (a ledger's ids, not its names or notes), so loading the
//! same ledger again costs nothing new.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::num::NonZeroU32;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Serialize};

/// An interned text: the handle every id type wraps.
///
/// `Sym`s compare by number (equal texts are one symbol) and hash by number; order is the
/// texts' order. [`Sym::index`] is dense: the `n` symbols of a process are numbered `0..n`.
///
/// ```
/// use dangjian::model::Sym;
/// let a = Sym::new("jiguan1_branch");
/// assert_eq!(a, Sym::new("jiguan1_branch"));
/// assert_eq!(a.as_str(), "jiguan1_branch");
/// assert_eq!(Sym::existing("jiguan1_branch"), Some(a));
/// assert!(a.index() < Sym::count());
/// assert!(Sym::new("a") < Sym::new("b"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sym(NonZeroU32);

/// Numbers from this one on are no symbols but stand-ins ([`Sym::pending`]).
const PENDING: u32 = 1 << 31;

/// The interned texts, by number. Elements never move, so a text lives as long as the
/// process. Ids of up to 24 bytes are stored inline, so reading one follows no pointer.
static TEXTS: boxcar::Vec<compact_str::CompactString> = boxcar::Vec::new();

/// Shards of the text-to-number map, so that threads interning at once rarely wait. An
/// entry is the low half of its text's hash, the symbol and, for a text of up to 8 bytes,
/// the text itself (see [`Entry`]): growing a shard rehashes without reading a text, and
/// finding a short text reads no text either.
const SHARDS: usize = 64;
type Shard = Padded<Mutex<hashbrown::HashTable<Entry>>>;

/// An entry of the interner's map: its key (the low half of the text's hash), its symbol,
/// and the text's bytes as a number when the text has at most 8 bytes (zero-padded; a text
/// with a NUL is not stored this way), else [`Entry::LONG`].
#[derive(Clone, Copy)]
struct Entry {
    key: u32,
    sym: Sym,
    short: u64,
}

impl Entry {
    /// No text of up to 8 bytes is all 0xFF bytes (never in UTF-8).
    const LONG: u64 = u64::MAX;

    /// The `short` of a text.
    fn short(s: &str) -> u64 {
        short_key(s).unwrap_or(Self::LONG)
    }

    /// Whether this entry is the text `s` (of hash key `key` and short `short`).
    fn is(&self, key: u32, short: u64, s: &str) -> bool {
        self.key == key
            && if short == Self::LONG {
                self.short == Self::LONG && self.sym.as_str() == s
            } else {
                self.short == short
            }
    }
}

/// A text of up to 8 bytes without a NUL as a number: its bytes, first byte lowest,
/// zero-padded. Two such texts give the same number only if they are equal.
pub(crate) fn short_key(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() > 8 || b.contains(&0) {
        return None;
    }
    let mut k = [0u8; 8];
    k[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(k))
}

/// A UUID in its text form (`8-4-4-4-12` hexadecimal digits, 36 characters) as its 128 bits
/// and its case: `Some((bits, upper))` when every letter is lowercase (`upper` false) or
/// every one uppercase (`upper` true; a UUID of digits only counts as lowercase), so that
/// [`write_uuid`] gives the same text back. Other texts (mixed case, braces, no dashes)
/// are `None`.
#[inline]
pub(crate) fn uuid_bits(b: &[u8]) -> Option<(u128, bool)> {
    /// Where the 32 hexadecimal digits are, in four groups of 8.
    const AT: [usize; 32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28,
        29, 30, 31, 32, 33, 34, 35,
    ];
    let b: &[u8; 36] = b.try_into().ok()?;
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    // Four independent groups, so that their steps overlap.
    let (mut group, mut seen) = ([0u32; 4], [0u8; 4]);
    for g in 0..4 {
        for &i in &AT[g * 8..g * 8 + 8] {
            let v = HEX[usize::from(b[i])];
            seen[g] |= v;
            group[g] = group[g] << 4 | u32::from(v & 0x0F);
        }
    }
    let seen = seen[0] | seen[1] | seen[2] | seen[3];
    // Not a hexadecimal digit, or both cases.
    if seen & 0x80 != 0 || seen & 0x60 == 0x60 {
        return None;
    }
    let bits = group
        .iter()
        .fold(0u128, |bits, &g| bits << 32 | u128::from(g));
    Some((bits, seen & 0x40 != 0))
}

/// Each byte's hexadecimal value (low four bits), with 0x20 for a lowercase letter, 0x40
/// for an uppercase one and 0x80 for a byte that is no hexadecimal digit.
static HEX: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 0x20 | (10 + i as u8);
        t[b'A' as usize + i] = 0x40 | (10 + i as u8);
        i += 1;
    }
    t
};

/// The text of a UUID from [`uuid_bits`].
pub(crate) fn write_uuid(bits: u128, upper: bool) -> [u8; 36] {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = [b'-'; 36];
    let mut k = 0;
    for (i, o) in out.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        *o = digits[((bits >> (124 - 4 * k)) & 0xF) as usize];
        k += 1;
    }
    out
}

/// A key of a [`Flat`] table: a fixed-size id, hashed by a multiply folded to 64 bits.
pub(crate) trait FlatKey: Copy + PartialEq + Default {
    fn hash(self) -> u64;
}

/// The 128-bit product of `a` and `b`, its halves xored: every bit of each counts.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    m as u64 ^ (m >> 64) as u64
}

impl FlatKey for u64 {
    #[inline]
    fn hash(self) -> u64 {
        fold(self ^ 0x243F_6A88_85A3_08D3, 0x9E37_79B9_7F4A_7C15)
    }
}

impl FlatKey for [u64; 2] {
    #[inline]
    fn hash(self) -> u64 {
        // Time-based UUIDs share their high bits, random ones their version digit.
        fold(
            self[0] ^ 0x243F_6A88_85A3_08D3,
            self[1] ^ 0x1319_8A2E_0370_7344,
        )
    }
}

/// Symbols by a fixed-size key, in one array (open addressing, linear probing, at most
/// three quarters full): the key and its symbol share a cache line, so a lookup that
/// misses the cache misses it once.
pub(crate) struct Flat<K> {
    slots: Vec<(K, Option<Sym>)>,
    len: usize,
    /// The top bits of a hash that give its slot: 64 - log2(slots).
    shift: u32,
}

impl<K: FlatKey> Default for Flat<K> {
    fn default() -> Self {
        Flat {
            slots: Vec::new(),
            len: 0,
            shift: 64,
        }
    }
}

impl<K: FlatKey> Flat<K> {
    #[inline]
    fn slot(&self, hash: u64) -> usize {
        // `shift` is 64 while empty: no slot to look at.
        hash.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// Reads the slot of `hash` (a lookup soon to come), so that its cache line is on its
    /// way while other work is done.
    #[inline]
    pub(crate) fn touch(&self, hash: u64) -> u64 {
        self.slots
            .get(self.slot(hash))
            .map_or(0, |s| u64::from(s.1.is_some()))
    }

    /// The symbol of `key`, or of `make()`, which is then stored.
    #[inline]
    pub(crate) fn get_or_insert(&mut self, key: K, hash: u64, make: impl FnOnce() -> Sym) -> Sym {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(hash);
        loop {
            match self.slots[i] {
                (k, Some(sym)) if k == key => return sym,
                (_, Some(_)) => i = (i + 1) & mask,
                (_, None) => {
                    let sym = make();
                    self.slots[i] = (key, Some(sym));
                    self.len += 1;
                    return sym;
                }
            }
        }
    }

    /// The symbol of `key`, if it has one.
    #[inline]
    pub(crate) fn get(&self, key: K, hash: u64) -> Option<Sym> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(hash);
        loop {
            match self.slots[i] {
                (k, Some(sym)) if k == key => return Some(sym),
                (_, Some(_)) => i = (i + 1) & mask,
                (_, None) => return None,
            }
        }
    }

    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(1 << 10);
        let old = std::mem::replace(&mut self.slots, vec![(K::default(), None); n]);
        self.shift = 64 - n.trailing_zeros();
        let mask = n - 1;
        for (k, sym) in old {
            if sym.is_some() {
                let mut i = self.slot(k.hash());
                while self.slots[i].1.is_some() {
                    i = (i + 1) & mask;
                }
                self.slots[i] = (k, sym);
            }
        }
    }
}

/// A shard on cache lines of its own, so that two threads locking neighbouring shards do
/// not take the line from each other.
#[derive(Default)]
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

static SHARD_MAPS: LazyLock<Vec<Shard>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Padded::default()).collect());

/// UUIDs (in lowercase, then in uppercase: [`uuid_bits`]) are kept apart, by their bits:
/// 24 bytes an entry, and finding one reads no text.
type UuidShard = Padded<Mutex<[Flat<[u64; 2]>; 2]>>;

static UUID_MAPS: LazyLock<Vec<UuidShard>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Padded::default()).collect());

/// The shard, key and hash of a UUID.
fn locate_uuid(bits: u128) -> (&'static UuidShard, [u64; 2], u64) {
    let key = [(bits >> 64) as u64, bits as u64];
    let h = key.hash();
    // The low bits choose the shard, the table takes its slots from the top ones.
    (&UUID_MAPS[h as usize % SHARDS], key, h)
}

/// Stores a new text and gives its symbol.
fn push_text(s: &str) -> Sym {
    let n = TEXTS.push(compact_str::CompactString::new(s));
    Sym(NonZeroU32::new(n as u32 + 1)
        .filter(|_| n < (PENDING - 1) as usize)
        .expect("more than 2 billion distinct ids in one process"))
}

/// A text's shard (chosen by the top bits of its [`NearHasher`] hash, which do not depend
/// on its last two characters), and its key and hash in the shard's table (the low half,
/// so that the key alone gives the hash back, and ids numbered in a row sit side by side).
fn locate(s: &str) -> (&'static Shard, u32, u64) {
    let h = std::hash::BuildHasherDefault::<NearHasher>::default().hash_one(s);
    let key = h as u32;
    (&SHARD_MAPS[(h >> 58) as usize % SHARDS], key, key_hash(key))
}

/// The hasher of the id caches: ids that differ only in their last two characters
/// (`p3094`, `p3095`...: the members of one branch, listed together in its activities)
/// land in neighbouring buckets, so a run of them is found in a few cache lines instead of
/// one cache miss each; the rest of the id is spread as any hash spreads it. Keys are
/// compared as they are, so this only decides where a key is looked for. The interner and
/// the reader's id caches hash with it.
#[derive(Clone, Copy, Default)]
pub struct NearHasher(u64);

impl NearHasher {
    /// The hash of an id of `len` bytes from the hash of all but its last two bytes and
    /// those two (`a`, then `b`): consecutive for consecutive last digits.
    fn near(head: u64, len: u64, a: u64, b: u64) -> u64 {
        let spread = (head ^ (len << 56))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
        spread.wrapping_add(a * 10 + b)
    }
}

impl std::hash::Hasher for NearHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    /// A text id (the whole text in one call, as `str` hashes).
    fn write(&mut self, bytes: &[u8]) {
        let cut = bytes.len().saturating_sub(2);
        let mut head = rustc_hash::FxHasher::default();
        head.write(&bytes[..cut]);
        let last = |i: usize| bytes.get(i).map_or(0, |&b| u64::from(b));
        self.0 = Self::near(head.finish(), bytes.len() as u64, last(cut), last(cut + 1));
    }
    /// The end mark `str` adds after its bytes: nothing to mix for a text key alone.
    fn write_u8(&mut self, _: u8) {}
    /// A short id as a number: its bytes, first byte lowest, zero-padded (its length is
    /// the number of its non-zero high bytes).
    fn write_u64(&mut self, k: u64) {
        let len = 8 - u64::from(k.leading_zeros() / 8);
        let cut = len.saturating_sub(2) * 8;
        let (head, tail) = if cut == 0 {
            (0, k)
        } else {
            (k & ((1u64 << cut) - 1), k >> cut)
        };
        self.0 = Self::near(head, len, tail & 0xFF, (tail >> 8) & 0xFF);
    }
}

/// The table hash of a key: the key in both halves (the table takes its buckets from the
/// low bits and its control bytes from the top ones).
fn key_hash(key: u32) -> u64 {
    (u64::from(key) << 32) | u64::from(key)
}

impl Sym {
    /// Interns `s`.
    pub fn new(s: &str) -> Sym {
        if let Some((bits, upper)) = uuid_bits(s.as_bytes()) {
            let (shard, key, hash) = locate_uuid(bits);
            let mut maps = shard.lock().unwrap_or_else(|e| e.into_inner());
            return maps[usize::from(upper)].get_or_insert(key, hash, || push_text(s));
        }
        let (shard, key, hash) = locate(s);
        // A poisoned lock only means another thread panicked while holding it; the map is
        // still consistent (an insert is the last step), so carry on with it.
        let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
        let short = Entry::short(s);
        if let Some(e) = map.find(hash, |e| e.is(key, short, s)) {
            return e.sym;
        }
        let x = push_text(s);
        map.insert_unique(hash, Entry { key, sym: x, short }, |e| key_hash(e.key));
        x
    }
    /// A stand-in for the `k`-th id of a block whose lookup the reader puts off (see
    /// `ledger::decode::Interner`); never a symbol, and replaced before the block's records
    /// are used.
    pub(crate) fn pending(k: usize) -> Sym {
        let n = u32::try_from(k)
            .ok()
            .and_then(|k| PENDING.checked_add(k))
            .and_then(NonZeroU32::new)
            .expect("more than 2 billion ids in one block");
        Sym(n)
    }
    /// Which stand-in this is ([`Sym::pending`]), if it is one.
    pub(crate) fn pending_index(self) -> Option<usize> {
        self.0.get().checked_sub(PENDING).map(|k| k as usize)
    }
    /// Whether this is a stand-in ([`Sym::pending`]).
    pub(crate) fn is_pending(self) -> bool {
        self.0.get() >= PENDING
    }
    /// The text.
    pub fn as_str(&self) -> &'static str {
        // Every `Sym` was made by `new` after its text was pushed.
        TEXTS.get(self.index()).map_or("", |t| t.as_str())
    }
    /// The symbol of `s` if it was ever interned (no id of any ledger has that text
    /// otherwise), without interning it.
    pub fn existing(s: &str) -> Option<Sym> {
        if let Some((bits, upper)) = uuid_bits(s.as_bytes()) {
            let (shard, key, hash) = locate_uuid(bits);
            let maps = shard.lock().unwrap_or_else(|e| e.into_inner());
            return maps[usize::from(upper)].get(key, hash);
        }
        let (shard, key, hash) = locate(s);
        let map = shard.lock().unwrap_or_else(|e| e.into_inner());
        let short = Entry::short(s);
        map.find(hash, |e| e.is(key, short, s)).map(|e| e.sym)
    }
    /// The symbol's number: `0..Sym::count()`, in the order texts were first interned.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
    /// How many symbols the process has finished interning. While other threads intern,
    /// a symbol can have a number at or past this count (its number was handed out before
    /// an earlier one's text was stored): size an array by it, and grow it for the symbols
    /// you hold.
    pub fn count() -> usize {
        TEXTS.count()
    }
}

impl Hash for Sym {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.0.get());
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Values keyed by symbol, stored at the symbol's number: looking one up is an array
/// access. Sized for the symbols interned when it is made (it grows if a later one is
/// inserted), so it suits maps over most of a ledger's ids (units, orgs, people), not a
/// handful of them.
///
/// ```
/// use dangjian::model::{Sym, SymTable};
/// let (a, b) = (Sym::new("u1"), Sym::new("u2"));
/// let mut t = SymTable::new();
/// assert_eq!(t.insert(a, 7u32), None);
/// assert_eq!(t.get(a), Some(&7));
/// assert_eq!(t.get(b), None);
/// assert_eq!(*t.get_or_insert(a, 9), 7);
/// ```
#[derive(Clone, Debug)]
pub struct SymTable<V> {
    slots: Vec<Option<V>>,
}

impl<V> Default for SymTable<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> SymTable<V> {
    /// An empty table with room for every symbol interned so far.
    pub fn new() -> Self {
        let mut slots = Vec::new();
        slots.resize_with(Sym::count(), || None);
        SymTable { slots }
    }
    /// The value of `k`.
    #[inline]
    pub fn get(&self, k: Sym) -> Option<&V> {
        self.slots.get(k.index()).and_then(Option::as_ref)
    }
    /// Sets the value of `k`; returns the value it had.
    pub fn insert(&mut self, k: Sym, v: V) -> Option<V> {
        self.slot(k).replace(v)
    }
    /// The value of `k`, inserting `v` first if it has none.
    pub fn get_or_insert(&mut self, k: Sym, v: V) -> &mut V {
        self.slot(k).get_or_insert(v)
    }
    /// The value of `k`, inserting `make()` first if it has none.
    pub fn get_or_insert_with(&mut self, k: Sym, make: impl FnOnce() -> V) -> &mut V {
        self.slot(k).get_or_insert_with(make)
    }
    fn slot(&mut self, k: Sym) -> &mut Option<V> {
        let i = k.index();
        if i >= self.slots.len() {
            self.slots.resize_with(Sym::count().max(i + 1), || None);
        }
        &mut self.slots[i]
    }
}

/// Row numbers keyed by symbol: a [`SymTable`] of 4 bytes a slot (a number below
/// `u32::MAX`), for the tables that resolve every reference of a ledger (a million people's
/// ids in 4 MB instead of 8, so more of it stays in cache).
///
/// ```
/// use dangjian::model::{Sym, SymRows};
/// let mut rows = SymRows::new();
/// assert!(rows.insert_first(Sym::new("p1"), 0));
/// assert!(!rows.insert_first(Sym::new("p1"), 5)); // the first row stays
/// assert_eq!(rows.get(Sym::new("p1")), Some(0));
/// assert_eq!(rows.get(Sym::new("p2")), None);
/// ```
#[derive(Clone, Debug, Default)]
pub struct SymRows(SymTable<NonZeroU32>);

impl SymRows {
    /// An empty table with room for every symbol interned so far.
    pub fn new() -> Self {
        SymRows(SymTable::new())
    }
    /// The row of `k`.
    #[inline]
    pub fn get(&self, k: Sym) -> Option<u32> {
        self.0.get(k).map(|r| r.get() - 1)
    }
    /// Sets the row of `k` unless it has one; returns whether it was set. Rows are below
    /// `u32::MAX` (a larger one is not stored).
    pub fn insert_first(&mut self, k: Sym, row: u32) -> bool {
        let Some(r) = row.checked_add(1).and_then(NonZeroU32::new) else {
            return false;
        };
        let mut set = false;
        self.0.get_or_insert_with(k, || {
            set = true;
            r
        });
        set
    }
}

/// A hasher for [`Sym`] keys: their number, spread over the bits.
#[derive(Clone, Copy, Default)]
pub struct SymHasher(u64);

impl Hasher for SymHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for `Sym` keys; mix anything else in FNV style so it still works.
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Fibonacci hashing: consecutive numbers land far apart, in the low bits (the
        // bucket) and the top bits (the control byte) alike.
        self.0 = (self.0 ^ u64::from(n))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
}

/// A hash map keyed by interned texts, hashing only their numbers.
pub type SymMap<V> = std::collections::HashMap<Sym, V, std::hash::BuildHasherDefault<SymHasher>>;

macro_rules! sym_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        // Not `Copy`, though cloning is a copy: ids were `String`s, and code that clones
        // them need not change.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name($crate::model::ids::Sym);

        impl $name {
            /// Wraps a text as this id.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self($crate::model::ids::Sym::new(id.as_ref()))
            }
            /// The id as text.
            pub fn as_str(&self) -> &'static str {
                self.0.as_str()
            }
            /// The interned handle.
            pub fn sym(&self) -> $crate::model::ids::Sym {
                self.0
            }
        }

        impl From<$crate::model::ids::Sym> for $name {
            fn from(s: $crate::model::ids::Sym) -> Self {
                Self(s)
            }
        }

        impl From<&$name> for $crate::model::ids::Sym {
            fn from(id: &$name) -> Self {
                id.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        // Hashing the text keeps `Borrow<str>` sound (a map of ids can be probed with
        // `&str`); inner loops key by `sym()` in a `SymMap` instead.
        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                ::std::cmp::Ord::cmp(&self.0, &other.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::new(s)
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                Self::new(s)
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::new(s.as_ref()))
            }
        }
    };
}
pub(crate) use sym_type;

sym_type!(
    /// The id of a unit (`units.id`).
    UnitId
);
sym_type!(
    /// The id of a party organisation (`orgs.id`).
    OrgId
);
sym_type!(
    /// The id of a person (`people.id`).
    PersonId
);
sym_type!(
    /// The id of an initiative (`initiatives.id`).
    InitiativeId
);
sym_type!(
    /// The id of a duty (`duties.id`).
    DutyId
);
sym_type!(
    /// The id of an indicator (`indicators.id`).
    IndicatorId
);
sym_type!(
    /// A reference that may point at a unit, an organisation or an initiative
    /// (a role's target, an activity's subject).
    TargetId
);

/// The id of an activity (`activities.id`, optional). Not interned: activity ids are
/// referred to by nothing, so each is stored in its row, in 24 bytes and no allocation of
/// its own for the usual shapes: text of up to 24 bytes inline, and a UUID (36 characters,
/// the ids phones make) as its 16 bytes and its case. Its text is given back exactly as
/// written ([`ActivityId::text`]).
///
/// ```
/// use dangjian::model::ActivityId;
/// let u = ActivityId::new("1B4E28BA-2FA1-4D3B-A3F5-EF19B5A7633B");
/// assert_eq!(u.text(), "1B4E28BA-2FA1-4D3B-A3F5-EF19B5A7633B");
/// assert_ne!(u, ActivityId::new("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"));
/// assert_eq!(ActivityId::new("a17").text(), "a17");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActivityId(ActivityRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum ActivityRepr {
    Text(compact_str::CompactString),
    /// A UUID's bits (as bytes: an alignment of 1 lets the enum use the text's spare
    /// byte values for its tag) and whether its letters are uppercase.
    Uuid([u8; 16], bool),
}

// An activity's optional id takes no more room than a text inline did.
const _: () = assert!(std::mem::size_of::<Option<ActivityId>>() == 24);

impl ActivityId {
    /// Wraps a text as this id.
    pub fn new(id: impl AsRef<str>) -> Self {
        let id = id.as_ref();
        match uuid_bits(id.as_bytes()) {
            Some((bits, upper)) => ActivityId(ActivityRepr::Uuid(bits.to_le_bytes(), upper)),
            None => ActivityId(ActivityRepr::Text(compact_str::CompactString::new(id))),
        }
    }
    /// The id as text, as written.
    pub fn text(&self) -> ActivityText<'_> {
        match &self.0 {
            ActivityRepr::Text(t) => ActivityText::Borrowed(t),
            &ActivityRepr::Uuid(bits, upper) => {
                ActivityText::Uuid(write_uuid(u128::from_le_bytes(bits), upper))
            }
        }
    }
    /// The text, when the id is kept as text (not a UUID).
    pub(crate) fn stored_text(&self) -> Option<&str> {
        match &self.0 {
            ActivityRepr::Text(t) => Some(t),
            ActivityRepr::Uuid(..) => None,
        }
    }
    /// The UUID's bits and case, when the id is a UUID in one case.
    pub(crate) fn uuid(&self) -> Option<(u128, bool)> {
        match self.0 {
            ActivityRepr::Uuid(bits, upper) => Some((u128::from_le_bytes(bits), upper)),
            ActivityRepr::Text(_) => None,
        }
    }
}

/// The text of an [`ActivityId`]: borrowed from the id, or written out on the stack (a
/// UUID). It derefs to `str`.
#[derive(Clone, Copy)]
pub enum ActivityText<'a> {
    /// Text kept as it is.
    Borrowed(&'a str),
    /// A UUID's text.
    Uuid([u8; 36]),
}

impl std::ops::Deref for ActivityText<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            ActivityText::Borrowed(s) => s,
            // Written from hexadecimal digits and dashes only.
            ActivityText::Uuid(b) => std::str::from_utf8(b).unwrap_or_default(),
        }
    }
}

impl<'a> ActivityText<'a> {
    /// The text, borrowed when it can be.
    pub fn into_cow(self) -> std::borrow::Cow<'a, str> {
        match self {
            ActivityText::Borrowed(s) => std::borrow::Cow::Borrowed(s),
            t => std::borrow::Cow::Owned(t.to_string()),
        }
    }
}

impl PartialEq<&str> for ActivityText<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl PartialEq<str> for ActivityText<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl fmt::Display for ActivityText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for ActivityText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for ActivityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for ActivityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActivityId({:?})", &*self.text())
    }
}

impl PartialOrd for ActivityId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Ids order by their text.
impl Ord for ActivityId {
    fn cmp(&self, other: &Self) -> Ordering {
        (*self.text()).cmp(&*other.text())
    }
}

impl Serialize for ActivityId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for ActivityId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        Ok(Self::new(s.as_ref()))
    }
}

impl From<&str> for ActivityId {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for ActivityId {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_of_up_to_8_bytes_and_longer_ones_each_intern_to_their_own_symbol() {
        // Short texts are matched by their bytes as a number: texts that pad to the same
        // bytes (a NUL), the empty text and 8-byte texts must still stay apart.
        let texts = [
            "",
            "\0",
            "a",
            "a\0",
            "a\0\0",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "中共",
            "城西新区",
            "\u{ff}",
            "p3094",
            "p30940",
        ];
        let syms: Vec<Sym> = texts.iter().map(|t| Sym::new(t)).collect();
        for (t, s) in texts.iter().zip(&syms) {
            assert_eq!(s.as_str(), *t);
            assert_eq!(Sym::new(t), *s);
            assert_eq!(Sym::existing(t), Some(*s));
        }
        let distinct: std::collections::HashSet<Sym> = syms.iter().copied().collect();
        assert_eq!(distinct.len(), texts.len());
        assert_eq!(Sym::existing("never interned, this one"), None);
    }

    #[test]
    fn threads_interning_the_same_texts_get_the_same_dense_symbols() {
        // 4 threads intern 2,000 texts each, overlapping by half, in different orders.
        let texts = |t: usize| -> Vec<String> {
            let mut v: Vec<String> = (t * 1000..t * 1000 + 2000)
                .map(|i| format!("ids-test-{i}"))
                .collect();
            if t % 2 == 1 {
                v.reverse();
            }
            v
        };
        let got: Vec<Vec<(String, Sym)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    s.spawn(move || {
                        texts(t)
                            .into_iter()
                            .map(|x| {
                                let y = Sym::new(&x);
                                (x, y)
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut by_text = std::collections::HashMap::new();
        for (text, sym) in got.into_iter().flatten() {
            assert_eq!(sym.as_str(), text);
            assert!(sym.index() < Sym::count());
            assert_eq!(*by_text.entry(text).or_insert(sym), sym);
        }
        // 5,000 distinct texts, 5,000 distinct numbers.
        assert_eq!(by_text.len(), 5000);
        let numbers: std::collections::HashSet<usize> =
            by_text.values().map(|s| s.index()).collect();
        assert_eq!(numbers.len(), 5000);
        assert_eq!(
            Sym::existing("ids-test-4999"),
            by_text.get("ids-test-4999").copied()
        );
        assert_eq!(Sym::existing("ids-test-never-interned"), None);
    }

    #[test]
    fn uuids_in_one_case_are_their_bits_and_give_their_text_back() {
        let lower = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
        let (bits, upper) = uuid_bits(lower.as_bytes()).unwrap();
        assert_eq!(bits, 0x1b4e28ba_2fa1_4d3b_a3f5_ef19b5a7633b);
        assert!(!upper);
        assert_eq!(&write_uuid(bits, upper), lower.as_bytes());
        let up = lower.to_uppercase();
        assert_eq!(uuid_bits(up.as_bytes()), Some((bits, true)));
        assert_eq!(&write_uuid(bits, true), up.as_bytes());
        // Digits only: lowercase; either way, the same text back.
        let digits = "12345678-1234-4234-8234-123456789012";
        let (b, u) = uuid_bits(digits.as_bytes()).unwrap();
        assert_eq!(&write_uuid(b, u), digits.as_bytes());
        for not in [
            "1B4E28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
            "1b4e28ba2fa14d3ba3f5ef19b5a7633b",
            "{1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633}",
            "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633g",
            "1b4e28ba-2fa1-4d3b-a3f5_ef19b5a7633b",
            "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633",
            "",
        ] {
            assert_eq!(uuid_bits(not.as_bytes()), None, "{not}");
        }
        // Interned by their bits, they are the same symbols whatever the way in.
        let s = Sym::new(lower);
        assert_eq!(s.as_str(), lower);
        assert_eq!(Sym::existing(lower), Some(s));
        let u = Sym::new(&up);
        assert_ne!(u, s);
        assert_eq!(u.as_str(), up);
        assert_eq!(Sym::existing("00000000-0000-4000-8000-00000000abcd"), None);
    }

    #[test]
    fn activity_ids_keep_uuids_as_bits_and_other_ids_as_text_and_order_by_text() {
        let texts = [
            "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
            "1B4E28BA-2FA1-4D3B-A3F5-EF19B5A7633B",
            "1B4E28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
            "a17",
            "4702007053303830",
            "",
        ];
        let ids: Vec<ActivityId> = texts.iter().map(ActivityId::new).collect();
        for (t, id) in texts.iter().zip(&ids) {
            assert_eq!(id.text(), *t);
            assert_eq!(id.to_string(), *t);
            assert_eq!(serde_json::to_string(id).unwrap(), format!("{t:?}"));
            let back: ActivityId = serde_json::from_str(&format!("{t:?}")).unwrap();
            assert_eq!(&back, id);
        }
        assert!(ids[0].uuid().is_some() && ids[1].uuid().is_some() && ids[2].uuid().is_none());
        let distinct: std::collections::HashSet<&ActivityId> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        let mut by_id = ids.clone();
        by_id.sort();
        let mut by_text = texts.to_vec();
        by_text.sort();
        assert_eq!(
            by_id.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
            by_text
        );
    }

    #[test]
    fn a_sym_table_grows_for_symbols_interned_after_it_was_made() {
        let mut t: SymTable<u32> = SymTable::new();
        let late = Sym::new("ids-test-interned-after-the-table");
        assert_eq!(t.get(late), None);
        *t.get_or_insert_with(late, || 1) += 1;
        assert_eq!(t.get(late), Some(&2));
        assert_eq!(t.insert(late, 5), Some(2));
    }

    #[test]
    fn ids_order_by_text_and_hash_by_number() {
        let (b, a) = (UnitId::new("ids-test-b"), UnitId::new("ids-test-a"));
        assert!(a < b);
        let mut m: SymMap<u8> = SymMap::default();
        m.insert(a.sym(), 1);
        m.insert(b.sym(), 2);
        assert_eq!(m.get(&Sym::new("ids-test-a")), Some(&1));
        assert_eq!(m.get(&b.sym()), Some(&2));
    }
}
