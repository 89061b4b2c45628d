#!/usr/bin/env bash
# Set up and run the checks: ruff, the import contracts, mypy and the whole test suite
# (pytest arguments pass through).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# Debian packages the tests use, installed where we may (root with apt-get): Chromium for the
# browser test (skipped without it), the DejaVu font for the PDFs the fetcher tests make.
apt_install() {  # what for, then the packages
  local why=$1; shift
  echo "installing $* for $why..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") \
    >/dev/null 2>&1 || echo "could not install $*: $why will fail or be skipped" >&2
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  command -v chromium >/dev/null 2>&1 || apt_install "the browser test" chromium chromium-driver
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
    || apt_install "the fetcher tests" fonts-dejavu-core
fi
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache   # the layout's contracts (pyproject.toml)
.venv/bin/mypy                      # types, over search/ and web/
exec .venv/bin/python -m pytest "$@"
