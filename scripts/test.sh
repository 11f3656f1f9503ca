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

echo "==> building the Python module"
maturin develop

echo "==> pytest"
python -m pytest tests "$@"
