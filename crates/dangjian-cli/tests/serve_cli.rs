//! `dangjian serve` and `dangjian token add` as a user types them: what is refused before
//! anything listens, and a token shown once and stored only as a hash.

mod serving;

use std::process::Command;

use serving::{run, Dir, BIN};

fn fails(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(!out.status.success(), "dangjian {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn no_auth_is_refused_off_loopback_and_a_token_file_or_no_auth_is_required() {
    let dir = Dir::new("cli");
    let db = dir.path("ledger.sqlite");
    run(&["export", "--to", db.to_str().unwrap()]);
    let data = db.to_str().unwrap();
    let e = fails(&[
        "serve",
        "--data",
        data,
        "--no-auth",
        "--listen",
        "0.0.0.0:0",
    ]);
    assert!(e.contains("loopback"), "{e}");
    let e = fails(&["serve", "--data", data, "--no-auth", "--listen", "[::]:0"]);
    assert!(e.contains("loopback"), "{e}");
    let e = fails(&["serve", "--data", data, "--listen", "127.0.0.1:0"]);
    assert!(e.contains("--tokens"), "{e}");
    let e = fails(&[
        "serve",
        "--data",
        dir.path("missing.sqlite").to_str().unwrap(),
        "--no-auth",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(e.contains("missing.sqlite"), "{e}");
}

#[test]
fn token_add_prints_the_token_once_and_stores_only_a_salted_hash() {
    let dir = Dir::new("tok");
    let file = dir.path("tokens.toml");
    let f = file.to_str().unwrap();
    let token = run(&[
        "token",
        "add",
        "--tokens",
        f,
        "--name",
        "chief",
        "--scope",
        "meitang_block",
        "--can",
        "append",
    ]);
    let token = token.trim();
    assert_eq!(token.len(), 43, "{token}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(token));
    assert!(text.contains("name = \"chief\"") && text.contains("scope = \"meitang_block\""));
    assert!(text.contains("can = \"append\"") && text.contains("hash = "));
    // Another token differs; a name is used once; rights are read, append or admin.
    let other = run(&[
        "token", "add", "--tokens", f, "--name", "reader", "--scope", "chengxi", "--can", "read",
    ]);
    assert_ne!(other.trim(), token);
    let e = fails(&[
        "token", "add", "--tokens", f, "--name", "chief", "--scope", "chengxi", "--can", "read",
    ]);
    assert!(e.contains("exists"), "{e}");
    fails(&[
        "token", "add", "--tokens", f, "--name", "x", "--scope", "chengxi", "--can", "root",
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the tokens file is readable by others: {mode:o}"
        );
    }
}
