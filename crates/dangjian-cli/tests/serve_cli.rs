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

/// A client that hangs up before it has read its answer (a phone losing its signal, a
/// browser tab closed) must not stop the service: the command line's quiet end on a closed
/// pipe (SIGPIPE's default action) is not the server's.
#[test]
fn a_client_hanging_up_mid_answer_does_not_stop_the_service() {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpStream};
    let dir = Dir::new("hangup");
    let db = dir.path("ledger.sqlite");
    let tokens = dir.path("tokens.toml");
    run(&["export", "--to", db.to_str().unwrap()]);
    let tok = serving::token(&tokens, "hangup", "chengxi", "read");
    let served = serving::Served::start(&db, &tokens);
    let addr = served.base.trim_start_matches("http://").to_string();
    // The page is large enough not to fit the socket's buffers at once.
    for _ in 0..20 {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET /?by=village HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\n\r\n"
        )
        .unwrap();
        let mut first = [0u8; 16];
        let _ = s.read(&mut first);
        // Close with unread data: the server's next writes meet a reset connection.
        let _ = s.shutdown(Shutdown::Both);
        drop(s);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let r = serving::client()
        .get(served.url("/healthz"))
        .send()
        .expect("the service stopped after a client hung up");
    assert_eq!(r.status().as_u16(), 200);
}
