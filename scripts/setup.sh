#!/usr/bin/env bash
# Idempotent setup on a fresh Debian machine: a virtual environment in .venv with the
# pinned dependencies and juesuan itself. Re-running only reinstalls when the lock
# files or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "juesuan 需要 Python 3.11 或更新版本（当前：$("$PY" --version 2>&1 || echo 无)）" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    # Debian ships venv separately.
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    "$PY" -m venv .venv
  fi
fi

stamp=.venv/.juesuan-installed
if [ ! -f "$stamp" ] || [ requirements-dev.lock.txt -nt "$stamp" ] \
   || [ requirements.lock.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check uv
  # Bytecode compiled at install: a command's start does not compile WeasyPrint, fontTools …
  # again (0.7 s of every `juesuan report` where Python may not write its caches).
  VIRTUAL_ENV="$PWD/.venv" .venv/bin/uv pip install -q --compile-bytecode -r requirements-dev.lock.txt
  VIRTUAL_ENV="$PWD/.venv" .venv/bin/uv pip install -q --no-deps -e .
  touch "$stamp"
fi
# juesuan's own modules too (installed editable, so not by the line above); quick when nothing
# changed. Where Python may not write its caches, each command would compile them again.
.venv/bin/python -m compileall -q src >/dev/null
