#!/usr/bin/env bash
# The main job on the bundled examples: check both filings, score the seed's performance
# self-evaluations, print the nine tables of one, write the whole disclosure document
# of each (HTML, DOCX, XLSX, PDF, JSON) and the tables in every format to out/, and then
# start the web application (embedded SQLite in juesuan-data/) with the examples published
# and a demo account for each role. JUESUAN_HOST / JUESUAN_PORT set the address (default
# 127.0.0.1:8000);
# JUESUAN_NO_SERVE=1 stops after the files are written.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/setup.sh
js=.venv/bin/juesuan

status=0
for filing in examples/suizhou-zwfw-2020.yaml examples/shanghai-putuo-czj-2024.yaml; do
  echo "== juesuan check $filing"
  $js check "$filing" --show warning || status=$?
  echo
done

echo "== juesuan score examples/suizhou-zwfw-2020.yaml"
$js score examples/suizhou-zwfw-2020.yaml || status=$?
echo

echo "== juesuan tables examples/shanghai-putuo-czj-2024.yaml"
$js tables examples/shanghai-putuo-czj-2024.yaml --format text

mkdir -p out
for filing in examples/suizhou-zwfw-2020.yaml examples/shanghai-putuo-czj-2024.yaml; do
  name=$(basename "$filing" .yaml)
  $js tables "$filing" --format xlsx -o "out/$name-tables.xlsx"
  $js tables "$filing" --format json -o "out/$name-tables.json"
  $js tables "$filing" --format csv -o "out/$name-tables.csv"
done
$js score examples/suizhou-zwfw-2020.yaml --format xlsx -o out/suizhou-zwfw-2020-自评表.xlsx
$js score examples/suizhou-zwfw-2020.yaml --format json > out/suizhou-zwfw-2020-score.json || true

echo
echo "== juesuan report examples/ -o out/report"
$js report examples/ -o out/report || status=$?
echo
echo "决算公开文档（HTML、DOCX、XLSX、PDF、JSON）和不公开的审核意见（*-审核意见.html）已写入 out/report/；"
echo "九张表（xlsx、json、csv）和绩效自评表（xlsx、json）已写入 out/。"
if [ "${JUESUAN_NO_SERVE:-0}" = 1 ]; then
  exit "$status"
fi

echo
echo "== juesuan serve --demo"
exec $js serve --demo --data juesuan-data --host "${JUESUAN_HOST:-127.0.0.1}" --port "${JUESUAN_PORT:-8000}"
