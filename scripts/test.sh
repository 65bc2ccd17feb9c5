#!/usr/bin/env bash
# All checks: lint, types, import layers, and the whole test suite on PostgreSQL (a throwaway cluster that
# scripts/postgres.sh starts and removes), then the web tests again on SQLite, the default
# database. Arguments go to both pytest runs, e.g. `bash scripts/test.sh -m browser`; without
# arguments the SQLite run is tests/web only (the other tests use no database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --test
bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports  # the layers: [tool.importlinter] in pyproject.toml
pytest=(.venv/bin/python -m pytest -q -n 2 -p no:cacheprovider)
sqlite_args=("$@")
[ $# -eq 0 ] && sqlite_args=(tests/web)
start=$SECONDS
echo "== 全部测试：PostgreSQL =="
bash scripts/postgres.sh "${pytest[@]}" "$@"
echo "== 网页测试：SQLite（PostgreSQL 一轮用时 $((SECONDS - start)) s）=="
env -u DATABASE_URL "${pytest[@]}" "${sqlite_args[@]}"
