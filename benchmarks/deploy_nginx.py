"""nginx as docs/deploy.md configures it, runnable on loopback: the benchmark (bench_files.py)
measures it and tests/web/test_deploy_nginx.py checks it, so the documented configuration is the
one tried. The ``location`` blocks are read from the document itself (``location /`` from the
first nginx example, everything from the one under "公开件由文件发送"); only the published folder
and gunicorn's address are put in for this machine's. No TLS (the locations are the same).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
DOC_ROOT = "/var/lib/juesuan/data/published"
DOC_UPSTREAM = "127.0.0.1:8000"
FILES_SECTION = "### 公开件由文件发送（nginx）"

MAIN = """{user}daemon off; pid {work}/nginx.pid; error_log {work}/error.log warn; worker_processes {processes};
events {{ worker_connections 4096; }}
http {{
  include {mime}; default_type application/octet-stream; access_log off; sendfile on;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 25m;
{locations}
  }}
}}
"""


def executable() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _blocks(text: str) -> list[str]:
    return re.findall(r"```nginx\n(.*?)```", text, flags=re.S)


def _location_root(block: str) -> str:
    """``location / { … }`` of the first example (the proxy to gunicorn), braces balanced."""
    start = block.index("    location / {")
    depth = 0
    for end in range(start, len(block)):
        depth += {"{": 1, "}": -1}.get(block[end], 0)
        if depth == 0 and block[end] == "}":
            return block[start:end + 1]
    raise ValueError("docs/deploy.md：第一个 nginx 示例中的 location / 没有结束")


def locations(docs: Path = DOCS) -> tuple[str, str]:
    """(the published files' locations, ``location /``) as docs/deploy.md writes them."""
    text = docs.read_text(encoding="utf-8")
    blocks = _blocks(text)
    section = text.index(FILES_SECTION)
    files = _blocks(text[section:])[0]
    return files, _location_root(blocks[0])


def config(*, published: Path, upstream_port: int, port: int, work: Path, processes: int = 1,
           docs: Path = DOCS) -> str:
    files, root = locations(docs)
    for needed in (DOC_ROOT, DOC_UPSTREAM):
        if needed not in files:
            raise ValueError(f"docs/deploy.md 的 nginx 示例中找不到 {needed}")
    published_path, upstream = str(published.resolve()), f"127.0.0.1:{upstream_port}"
    files = files.replace(DOC_ROOT, published_path).replace(DOC_UPSTREAM, upstream)
    root = root.replace(DOC_UPSTREAM, upstream)
    return server(files + "\n" + root, port=port, work=work, processes=processes)


def server(locations: str, *, port: int, work: Path, processes: int = 1) -> str:
    """A whole nginx configuration: one server on loopback with these ``location`` blocks, its
    files in ``work``."""
    mime = Path("/etc/nginx/mime.types")
    return MAIN.format(user="user root;\n" if os.geteuid() == 0 else "", work=work, processes=processes,
                       mime=mime if mime.exists() else work / "mime.types", port=port, locations=locations)


class Nginx:
    """A throwaway nginx in its own session, stopped by :meth:`stop`."""

    def __init__(self, work: Path, text: str, port: int) -> None:
        exe = executable()
        if exe is None:
            raise FileNotFoundError("找不到 nginx")
        self.work, self.port = work, port
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / name).mkdir(parents=True, exist_ok=True)
        if not Path("/etc/nginx/mime.types").exists():
            (work / "mime.types").write_text("types { text/html html; application/pdf pdf; }\n")
        (work / "nginx.conf").write_text(text)
        self.process = subprocess.Popen([exe, "-c", str(work / "nginx.conf"), "-p", str(work)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    def wait_ready(self, ready: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"nginx 未能启动：{error}{self.errors()}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"nginx {timeout:.0f} 秒内没有响应：{self.errors()}")

    def errors(self) -> str:
        log = self.work / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
