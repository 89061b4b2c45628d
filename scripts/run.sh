#!/usr/bin/env bash
# Set up, index the corpus/ folder and serve the search page on http://127.0.0.1:8000
# Extra arguments go to the server, e.g. --port 8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/reindex
exec .venv/bin/orbita-serve "$@"
