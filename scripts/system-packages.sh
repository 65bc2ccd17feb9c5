#!/usr/bin/env bash
# Debian packages juesuan needs besides Python: CJK fonts and Pango for PDF output
# (WeasyPrint), and for the tests poppler (PDF to PNG), Chromium (HTML screenshots and
# the browser tests), LibreOffice Writer (DOCX conversion) and the PostgreSQL server (the
# suite runs on a throwaway cluster, scripts/postgres.sh), Redis (the background-task tests
# start their own redis-server) and nginx (docs/deploy.md's configuration is run in front of the
# app); with --bench also wrk (the load generator of benchmarks/). Installs only what is missing;
# needs root.
set -euo pipefail
packages=(fonts-noto-cjk fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--bench" ]; then
  packages+=(poppler-utils chromium libreoffice-writer-nogui libreoffice-calc-nogui postgresql redis-server nginx)
fi
if [ "${1:-}" = "--bench" ]; then
  packages+=(wrk)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包：${missing[*]}（请以 root 用 apt-get 安装）" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
