#!/usr/bin/env bash
# The one test command: README and .ci/run both call it.
# Needs only a Rust toolchain and python3 with pip: it makes its own virtual environment,
# installs what the tests need, checks formatting and lints (any warning fails), builds the
# Python module, then runs cargo test and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${DANGJIAN_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating the virtual environment $venv"
  python3 -m venv "$venv"
fi
# shellcheck disable=SC1091
. "$venv/bin/activate"

echo "==> installing test requirements"
python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

echo "==> lint: cargo fmt, ruff, clippy, rustdoc (a warning is a failure)"
cargo fmt --all --check
ruff check .
ruff format --check .
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p dangjian --quiet

echo "==> cargo test"
cargo test --workspace --exclude dangjian-py

echo "==> building the Python module"
maturin develop

echo "==> pytest"
python -m pytest tests "$@"
