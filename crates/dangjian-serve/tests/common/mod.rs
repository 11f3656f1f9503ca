//! A real server on 127.0.0.1 (a free port) over a ledger in a folder of its own, and a
//! real HTTP client.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dangjian_serve::tokens::{Right, Tokens};
use dangjian_serve::{Limits, Options, Server};

/// A fresh folder under the system's temporary folder, removed on drop.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(tag: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "dangjian-serve-{tag}-{}-{}",
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

/// The tokens of the tests: name, scope, rights.
pub const TOKENS: [(&str, &str, Right); 5] = [
    ("root", "chengxi", Right::Admin),
    ("area_admin", "huachuan_area", Right::Admin),
    ("writer", "chengxi", Right::Append),
    ("huachuan", "huachuan_area", Right::Append),
    ("reader", "huachuan_area", Right::Read),
];

/// A running server and the tokens it knows.
pub struct Running {
    pub server: Server,
    pub base: String,
    pub tokens: Vec<(String, String)>,
    pub dir: Dir,
    pub client: reqwest::blocking::Client,
}

impl Running {
    pub fn token(&self, name: &str) -> &str {
        &self.tokens.iter().find(|(n, _)| n == name).unwrap().1
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET with a bearer token.
    pub fn get(&self, who: &str, path: &str) -> reqwest::blocking::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(self.token(who))
            .send()
            .unwrap()
    }
}

/// Writes `ledger` as `file` in a new folder, with the test tokens, and serves it.
pub fn serve_ledger(ledger: &dangjian::Ledger, file: &str, limits: Limits) -> Running {
    let dir = Dir::new("srv");
    let data = dir.path(file);
    dangjian::save(ledger, &data).unwrap();
    serve_path(dir, &data, limits)
}

/// Serves `data` with the test tokens written into `dir`.
pub fn serve_path(dir: Dir, data: &Path, limits: Limits) -> Running {
    let mut file = Tokens::default();
    let tokens = TOKENS
        .iter()
        .map(|(n, s, r)| (n.to_string(), file.add(n, s, *r).unwrap()))
        .collect();
    let tokens_path = dir.path("tokens.toml");
    file.write(&tokens_path).unwrap();
    let opts = Options {
        data: data.to_path_buf(),
        listen: "127.0.0.1:0".parse().unwrap(),
        tokens: Some(tokens_path),
        no_auth: false,
        limits,
    };
    let server = Server::start(&opts).unwrap();
    let base = format!("http://{}", server.addr());
    Running {
        server,
        base,
        tokens,
        dir,
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    }
}

/// The example served from a JSON file (read only).
pub fn example_json() -> Running {
    serve_ledger(&dangjian::example(), "ledger.json", Limits::default())
}

/// The JSON body of an answer.
pub fn json(r: reqwest::blocking::Response) -> serde_json::Value {
    serde_json::from_str(&r.text().unwrap()).unwrap()
}
