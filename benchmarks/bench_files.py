"""The public page of a disclosure three ways: rendered by Django, sent from its published file by
``juesuan serve``, sent by nginx from the same folder.

    .venv/bin/python benchmarks/bench_files.py                      # 8 and 64 clients, 10 s each
    .venv/bin/python benchmarks/bench_files.py --clients 8 64 --seconds 20

Starts ``juesuan serve --demo`` (bench_web.Server) on 127.0.0.1; publishing the examples writes
their files (juesuan.web.portal.files). (a) Django: ``/310107/02024/czj/czj/``, the same page
through the view (the year's converter reads 02024 as 2024; the file middleware only takes
four-digit years), (b) files: ``/310107/2024/czj/czj/``, (c) nginx, when ``nginx`` is on the
PATH: a throwaway nginx (one worker, loopback, temporary folder) with the location of
docs/deploy.md, serving the same folder; stopped at the end. One new connection a request, as
bench_web. Checks first that the three answers have the same bytes. No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import Result, Server, free_port, measure, request, table

PAGE = "/310107/2024/czj/czj/"
VIEW = "/310107/02024/czj/czj/"

NGINX = """{user}daemon off; pid {d}/nginx.pid; error_log {d}/error.log; worker_processes 1;
events {{ worker_connections 4096; }}
http {{
  include {mime}; access_log off; client_body_temp_path {d}; proxy_temp_path {d};
  fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};
  server {{
    listen 127.0.0.1:{port};
    location ~ "^/[^/.][^/]*/[0-9]{{4}}/[^/.][^/]*/[^/.][^/]*/$" {{
      root {root}; charset utf-8; gzip_static on;
      add_header Cache-Control no-cache always;
      try_files ${{uri}}index.html =404;
    }}
  }}
}}
"""


def start_nginx(folder: Path, root: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    exe = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    mime = Path("/etc/nginx/mime.types")
    if exe is None or not mime.exists():
        return None
    port = free_port()
    work = folder / "nginx"
    work.mkdir()
    (work / "nginx.conf").write_text(NGINX.format(user="user root;\n" if os.geteuid() == 0 else "", d=work, mime=mime, port=port, root=root))
    process = subprocess.Popen([exe, "-c", str(work / "nginx.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(40):
        try:
            if request(port, "GET", PAGE)[0] == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.25)
    os.killpg(process.pid, signal.SIGTERM)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="公开页面：Django 生成、公开文件、nginx 三种方式的负载基准（仅 127.0.0.1）")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64], help="并发客户端数（默认 8 64）")
    parser.add_argument("--seconds", type=float, default=10.0, help="每项测量时长（秒，默认 10）")
    parser.add_argument("--requests", type=int, default=50000, help="每项最多请求数（默认 50000）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="juesuan-bench-files-"))
    port = free_port()
    server = Server(folder, port, args.workers)
    nginx = None
    try:
        server.wait_ready(timeout=180)
        root = folder / "data" / "published"
        for _ in range(120):  # the files are written once the examples' publication commits
            if (root / PAGE.strip("/") / "headers.json").exists():
                break
            time.sleep(0.5)
        targets = [("Django 生成", port, VIEW), ("公开文件（juesuan serve）", port, PAGE)]
        nginx = start_nginx(folder, root)
        if nginx is not None:
            targets.append(("nginx", nginx[1], PAGE))
        bodies = {name: request(p, "GET", path)[2] for name, p, path in targets}
        if len(set(bodies.values())) != 1:
            raise SystemExit("三种方式返回的页面内容不同：" + "、".join(f"{n} {len(b)} 字节" for n, b in bodies.items()))
        print(f"公开页面 {len(next(iter(bodies.values())))} 字节，三种方式内容相同；"
              f"{args.workers} 个工作进程，{os.cpu_count()} 个 CPU" + ("" if nginx else "；未找到 nginx"))
        for clients in args.clients:
            results: list[Result] = []
            for name, p, path in targets:
                for _ in range(20):
                    request(p, "GET", path)
                result = measure(p, name, path, {}, clients=clients, seconds=args.seconds, limit=args.requests)
                results.append(result)
            print(f"\n{clients} 个并发客户端")
            print(table(results))
        return 0
    finally:
        if nginx is not None:
            os.killpg(nginx[0].pid, signal.SIGTERM)
            nginx[0].wait(timeout=10)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
