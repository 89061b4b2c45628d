#!/usr/bin/env bash
# Set up and run the checks: ruff, the import contracts, mypy and the whole test suite
# (pytest arguments pass through).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# The browser test drives Debian's Chromium; install it where we may (root with apt-get).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser test..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
    >/dev/null 2>&1 || echo "chromium could not be installed; the browser test will be skipped" >&2
fi
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache   # the layout's contracts (pyproject.toml)
.venv/bin/mypy                      # types, over search/ and web/
exec .venv/bin/python -m pytest "$@"
