"""A throwaway redis-server for the benchmarks and tests that run workers on Redis: on
127.0.0.1, nothing saved, in its own session (stop it with ``os.killpg``)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

REDIS = shutil.which("redis-server")


def redis_command(port: int, folder: Path) -> list[str]:
    if REDIS is None:
        raise RuntimeError("redis-server is not installed")
    return [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(folder)]


def start_redis(port: int, folder: Path, log: Path) -> subprocess.Popen[bytes]:
    """redis-server on ``port`` (not waited for: see :func:`redis_up`), its output in ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(redis_command(port, folder), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def redis_up(port: int) -> bool:
    """Whether a redis-server answers PING on ``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False
