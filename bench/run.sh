#!/usr/bin/env bash
# The performance benchmark: kam against DuckDB on generated exports of 1M and 10M rows and on
# the real Online Retail II export. Prints a Markdown table (see docs/performance.md).
#
#   bench/run.sh            # 1M, 10M and Online Retail II, 3 runs each
#   RUNS=5 SIZES="1M" bench/run.sh
#
# Needs: cargo, python3 (for a virtualenv with the duckdb package, installed here on first use),
# GNU time (/usr/bin/time, Debian's package `time`) for the peak memory.
# Generated files go to bench/data/ (ignored by git), about 1.7 GB for 10M rows.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SIZES=${SIZES:-"1M 10M"}
CUSTOMERS=${CUSTOMERS:-2000}

cargo build --release --quiet --bin kam --example gen-sales
mkdir -p bench/data
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet duckdb
fi

for size in $SIZES; do
  file="bench/data/sales-$size.csv"
  if [ ! -f "$file" ]; then
    target/release/examples/gen-sales big --rows "$size" --format en --customers "$CUSTOMERS" --out "$file"
  fi
done

exec bench/.venv/bin/python bench/bench.py --runs "$RUNS" --sizes $SIZES
