#!/usr/bin/env bash
# The performance benchmark: kam against DuckDB and polars on generated exports of two shapes
# and on the real Online Retail II export. Prints a Markdown table (see docs/performance.md).
#
#   bench/run.sh                                  # 1M rows of both shapes, 3 runs each
#   RUNS=5 SIZES="1M 10M" bench/run.sh            # also 10M rows of both shapes
#   SIZES="10M" SHAPES="erp" CUSTOMERS=100000 bench/run.sh
#
# Shapes (gen-sales options):
#   erp     rows by date, invoices of 1 to 8 lines, the catalogue's articles, a few big
#           customers and a long tail
#   random  rows in random order, about 3,000 products, customers of one size
#
# Needs: cargo, python3 (for a virtualenv with the duckdb and polars packages, installed here on
# first use), GNU time (/usr/bin/time, Debian's package `time`) for the peak memory.
# Generated files go to bench/data/ (ignored by git), about 1.5 GB per 10M rows.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SIZES=${SIZES:-"1M"}
SHAPES=${SHAPES:-"erp random"}
CUSTOMERS=${CUSTOMERS:-20000}

cargo build --release --quiet --bin kam --example gen-sales
mkdir -p bench/data
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/python -c "import duckdb, polars" 2>/dev/null || bench/.venv/bin/pip install --quiet duckdb polars

files=()
for size in $SIZES; do
  for shape in $SHAPES; do
    name="sales-$size-$shape"
    [ "$CUSTOMERS" = 20000 ] || name="$name-${CUSTOMERS}c"
    case $shape in
      erp) options=() ;;
      random) options=(--order random --products 3000 --uniform) ;;
      *) echo "bench/run.sh: unknown shape $shape" >&2; exit 2 ;;
    esac
    if [ ! -f "bench/data/$name.csv" ]; then
      target/release/examples/gen-sales big --rows "$size" --format en --customers "$CUSTOMERS" \
        "${options[@]}" --out "bench/data/$name.csv"
    fi
    files+=("$name")
  done
done

exec bench/.venv/bin/python bench/bench.py --runs "$RUNS" --files "${files[@]}"
