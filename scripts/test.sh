#!/usr/bin/env bash
# All checks: lint, types, and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --test
bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest -q -n 2 -p no:cacheprovider "$@"
