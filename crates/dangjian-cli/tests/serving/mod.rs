//! `dangjian serve` as a process: started on 127.0.0.1 (a free port), its address read
//! from its first line, killed or stopped by its own process id.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_dangjian");

/// A fresh folder under the system's temporary folder, removed on drop.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(tag: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "dangjian-cli-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `dangjian ARGS`, which must succeed; its standard output.
pub fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "dangjian {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `dangjian token add`: the token it prints.
pub fn token(tokens: &Path, name: &str, scope: &str, can: &str) -> String {
    let t = tokens.to_str().unwrap();
    run(&[
        "token", "add", "--tokens", t, "--name", name, "--scope", scope, "--can", can,
    ])
    .trim()
    .to_string()
}

/// A `dangjian serve` process; killed when dropped.
pub struct Served {
    pub child: Child,
    pub base: String,
}

impl Served {
    /// Starts `dangjian serve --data DATA --tokens TOKENS --listen 127.0.0.1:0` and waits
    /// (60 s at most) for its `listening on` line.
    pub fn start(data: &Path, tokens: &Path) -> Served {
        let mut child = Command::new(BIN)
            .args(["serve", "--quiet", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .arg("--tokens")
            .arg(tokens)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("dangjian serve did not say where it listens within 60 s");
            }
        };
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Served { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A patrol activity row.
pub fn patrol(id: &str, subject: &str, date: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "kind": "patrol", "date": date, "subject": subject})
}
