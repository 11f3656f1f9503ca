//! What every test of the command line needs: running `dangjian` as a user does.

use std::process::Command;

/// Runs `dangjian ARGS`: its exit code (-1 when a signal ended it), stdout and stderr.
pub fn dangjian(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dangjian"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
