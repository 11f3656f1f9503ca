#!/usr/bin/env bash
# The one test command: README and .ci/run both call it.
# Needs only a Rust toolchain and python3 with pip: it makes its own virtual environment,
# installs what the tests need, checks formatting and lints (any warning fails), runs cargo
# test, builds the Python wheel and installs it, then runs pytest against it.
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

echo "==> lint: layers, cargo fmt, ruff, clippy, rustdoc (a warning is a failure)"
# Imports point down the layers, no files import each other, metrics are named by constants.
python scripts/check_layers.py
cargo fmt --all --check
ruff check .
ruff format --check .
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p dangjian --quiet

# The browser tests open the dashboard page in Debian's headless Chromium and the plot tests
# draw Chinese text: install chromium and a CJK font when missing (CI runs this as root on a
# fresh machine). With both present, those tests fail rather than skip.
need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
if ! { fc-list 2>/dev/null | grep -c "Noto Sans CJK" >/dev/null; } && ! ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then
  need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: ${need[*]} missing and cannot be installed here (not root); the browser and font tests will skip" >&2
  fi
fi
if { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
  && { fc-list 2>/dev/null | grep -c "Noto Sans CJK" >/dev/null || ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; }; then
  export DANGJIAN_REQUIRE_BROWSER=1
fi

echo "==> cargo test"
cargo test --workspace --exclude dangjian-py

echo "==> building the Python wheel and installing it"
# The tests run against the wheel users install (one abi3 wheel, cp39-abi3), not against
# the source tree: build it into its own folder, then install that file.
# In release, as users get it (a thread race in load's progress reports showed only there).
# Measured on a 2-core machine busy with other builds, whole script: with nothing changed,
# 297 s in release against 503 s with a debug wheel (pytest 64 s against 161 s; a debug
# wheel also rebuilds pyo3 on every run, as clippy and maturin set its build variables
# differently); after a change to the core, 414 s against 427 s (the release wheel is 122 s
# of it). The first release build of a fresh clone costs about 10 minutes more, once.
wheels=target/test-wheel
rm -rf "$wheels"
maturin build --release --quiet --out "$wheels"
wheel=$(ls "$wheels"/dangjian-*.whl)
python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
# tests/test_wheel.py installs the same file into a fresh environment with no Rust in reach.
DANGJIAN_WHEEL="$PWD/$wheel"
export DANGJIAN_WHEEL

echo "==> pytest"
python -m pytest tests "$@"
