#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#
#   bash scripts/postgres.sh .venv/bin/python -m pytest tests/web
#
# Creates a cluster in a temporary folder (trust authentication, listening on 127.0.0.1
# only, on a free port, fsync off: test data only), exports DATABASE_URL for the command,
# and stops and deletes the cluster when the command ends, however it ends. Exits with the
# command's status. As root the server runs as the "postgres" user (PostgreSQL refuses
# root); otherwise as the calling user. Needs Debian's postgresql package
# (scripts/system-packages.sh --test installs it).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "用法：bash scripts/postgres.sh 命令 [参数…]（在临时 PostgreSQL 数据库上运行命令）" >&2
  exit 2
fi

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir=$(pg_config --bindir)
fi
if [ -z "$bindir" ]; then
  # Debian keeps the server programs out of PATH, one folder per major version: take the newest.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then bindir=$dir; break; fi
  done
fi
if [ -z "$bindir" ]; then
  echo "找不到 PostgreSQL 服务器程序 initdb（请安装 Debian 软件包 postgresql：bash scripts/system-packages.sh --test）" >&2
  exit 1
fi

as_server=()
if [ "$(id -u)" = 0 ]; then
  as_server=(runuser -u postgres --)
fi

# The cluster in data/, the logs and the socket beside it.
root=$(mktemp -d -t juesuan-pg.XXXXXX)
pgdata=$root/data
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$root"
fi

stop() {
  if [ -f "$pgdata/postmaster.pid" ]; then
    "${as_server[@]}" "$bindir/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$root"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_server[@]}" "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; exit 1; }

# A free port: the kernel picks one; another program could take it before the server does,
# so try a few times.
started=""
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if "${as_server[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$root/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $root -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "临时 PostgreSQL 未能启动，服务器日志：" >&2
  cat "$root/server.log" >&2 || true
  exit 1
fi

export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "临时 PostgreSQL $("$bindir/postgres" --version | awk '{print $3}')：127.0.0.1:$port" >&2
status=0
"$@" || status=$?
exit "$status"
