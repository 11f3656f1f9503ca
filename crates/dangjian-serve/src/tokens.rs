//! Access tokens: a file of names, scopes, rights and salted hashes; never a token itself.
//!
//! `dangjian token add` draws 32 random bytes, prints them once (base64url, 43 characters)
//! and stores `sha256(salt || token)` with a random salt of its own. The service finds a
//! presented token by hashing it with each entry's salt and comparing in constant time
//! (`subtle`), so neither the file nor the time an answer takes tells a token.
//!
//! ```toml
//! [[token]]
//! name = "xizhou-secretary"
//! scope = "xizhou_road"
//! can = "append"
//! salt = "0f3a..."
//! hash = "9b1c..."
//! ```

use std::path::Path;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token may do; each includes the ones before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Read the reports, drill-downs, statistics and the page of its scope.
    Read,
    /// Also add activities, progress and observations in its scope.
    Append,
    /// Also replace the whole ledger and read the change log.
    Admin,
}

impl Right {
    /// The word of the tokens file and of `--can`.
    pub fn id(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::Append => "append",
            Right::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Right {
    type Err = String;
    fn from_str(s: &str) -> Result<Right, String> {
        match s {
            "read" => Ok(Right::Read),
            "append" => Ok(Right::Append),
            "admin" => Ok(Right::Admin),
            _ => Err(format!("`{s}` is not a right; use read, append or admin")),
        }
    }
}

/// One token of the file: who, where, what, and the salted hash of the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The token's name: the user of HTTP Basic, and what the change log records.
    pub name: String,
    /// The unit id whose subtree the token sees and writes.
    pub scope: String,
    /// Its rights.
    pub can: Right,
    /// A random salt, hex.
    pub salt: String,
    /// `sha256(salt bytes || token text)`, hex.
    pub hash: String,
}

/// The tokens file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tokens {
    /// The tokens, in the order they were added.
    #[serde(default, rename = "token")]
    pub tokens: Vec<Entry>,
}

/// A tokens file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The file cannot be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The file is not a tokens file.
    #[error("{path} is not a tokens file: {message}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A token of this name exists.
    #[error("a token named `{0}` exists already; choose another name")]
    Duplicate(String),
    /// A name that cannot be a Basic user name.
    #[error("token name `{0}` must be 1 to 64 letters, digits, `-`, `_` or `.`")]
    BadName(String),
    /// No random bytes from the system.
    #[error("no random bytes from the system: {0}")]
    Random(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `sha256(salt || token)`.
fn digest(salt: &[u8], token: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(token.as_bytes());
    h.finalize().into()
}

impl Entry {
    /// Whether `token` is this entry's, compared in constant time.
    pub fn matches(&self, token: &str) -> bool {
        let (Some(salt), Some(hash)) = (unhex(&self.salt), unhex(&self.hash)) else {
            return false;
        };
        digest(&salt, token).ct_eq(hash.as_slice()).into()
    }
}

impl Tokens {
    /// Reads a tokens file; a missing file is an empty one.
    pub fn read(path: &Path) -> Result<Tokens, TokenError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tokens::default()),
            Err(e) => {
                return Err(TokenError::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        toml::from_str(&text).map_err(|e| TokenError::Format {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Writes the file (a sibling temporary file renamed into place; readable by its owner
    /// only on Unix).
    pub fn write(&self, path: &Path) -> Result<(), TokenError> {
        let io = |e: &dyn std::fmt::Display| TokenError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let text = toml::to_string(self).map_err(|e| io(&e))?;
        let text = format!(
            "# dangjian tokens: salted SHA-256 hashes, never the tokens (`dangjian token add`).\n{text}"
        );
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        std::fs::write(&tmp, text).map_err(|e| io(&e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io(&e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(&e)
        })
    }

    /// Adds a token and returns it: the only time it is ever shown.
    pub fn add(&mut self, name: &str, scope: &str, can: Right) -> Result<String, TokenError> {
        let good = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !good {
            return Err(TokenError::BadName(name.to_string()));
        }
        if self.tokens.iter().any(|t| t.name == name) {
            return Err(TokenError::Duplicate(name.to_string()));
        }
        let mut secret = [0u8; 32];
        let mut salt = [0u8; 16];
        getrandom::fill(&mut secret).map_err(|e| TokenError::Random(e.to_string()))?;
        getrandom::fill(&mut salt).map_err(|e| TokenError::Random(e.to_string()))?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        self.tokens.push(Entry {
            name: name.to_string(),
            scope: scope.to_string(),
            can,
            salt: hex(&salt),
            hash: hex(&digest(&salt, &token)),
        });
        Ok(token)
    }

    /// The entry a token is, if any: with a name (HTTP Basic), only that entry is tried;
    /// without (a bearer token), every entry is, each in constant time.
    pub fn find(&self, name: Option<&str>, token: &str) -> Option<&Entry> {
        let mut found = None;
        for e in &self.tokens {
            // Every entry is hashed whatever matched before, so the time does not say which.
            let ok = e.matches(token) && name.is_none_or(|n| n == e.name);
            if ok && found.is_none() {
                found = Some(e);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_found_by_its_hash_and_never_stored() {
        let mut t = Tokens::default();
        let tok = t.add("sec", "xizhou_road", Right::Append).unwrap();
        assert_eq!(tok.len(), 43); // 32 bytes in base64url without padding
        let text = toml::to_string(&t).unwrap();
        assert!(!text.contains(&tok));
        let back: Tokens = toml::from_str(&text).unwrap();
        assert_eq!(back.find(None, &tok).map(|e| e.name.as_str()), Some("sec"));
        assert_eq!(
            back.find(Some("sec"), &tok).map(|e| e.can),
            Some(Right::Append)
        );
        assert!(back.find(Some("other"), &tok).is_none());
        assert!(back.find(None, "not the token").is_none());
        assert!(t.add("sec", "x", Right::Read).is_err());
        assert!(t.add("a b", "x", Right::Read).is_err());
    }

    #[test]
    fn rights_include_the_ones_before() {
        assert!(Right::Admin > Right::Append && Right::Append > Right::Read);
    }
}
