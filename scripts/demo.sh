#!/usr/bin/env bash
# The main job on the bundled examples: check both filings, print the nine tables of
# one, and write all four table formats to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
js=.venv/bin/juesuan

status=0
for filing in examples/suizhou-zwfw-2020.yaml examples/shanghai-putuo-czj-2024.yaml; do
  echo "== juesuan check $filing"
  $js check "$filing" --show warning || status=$?
  echo
done

echo "== juesuan tables examples/shanghai-putuo-czj-2024.yaml"
$js tables examples/shanghai-putuo-czj-2024.yaml --format text

mkdir -p out
for filing in examples/suizhou-zwfw-2020.yaml examples/shanghai-putuo-czj-2024.yaml; do
  name=$(basename "$filing" .yaml)
  $js tables "$filing" --format xlsx -o "out/$name-tables.xlsx"
  $js tables "$filing" --format json -o "out/$name-tables.json"
  $js tables "$filing" --format csv -o "out/$name-tables.csv"
done
echo
echo "九张表已写入 out/（xlsx、json、csv）。"
exit "$status"
