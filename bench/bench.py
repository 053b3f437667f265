"""Times kam, DuckDB and polars on the same exports; run through bench/run.sh.

Each command runs --runs times, the commands of one export taking turns; the table shows the
median wall time and the largest peak resident memory (taken by GNU time, see run()). Ratios are
measured in the same run of this script.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KAM = ROOT / "target" / "release" / "kam"
WORKSPACE = ROOT / "bench" / "workspace"
RETAIL = ROOT.parent / "shared" / "data" / "online_retail_ii.csv.gz"
RETAIL_WORKSPACE = ROOT / "tests" / "fixtures" / "online-retail"

DUCKDB_GENERATED = """
import duckdb, sys
duckdb.connect().execute(f'''
COPY (
  SELECT customer, strftime(date, '%Y-%m') AS period,
         sum(revenue) AS gross_revenue, sum(deductions) AS deductions,
         sum(revenue - deductions) AS net_revenue, sum(cost) AS variable_costs,
         sum(revenue - deductions - cost) AS db1, count(DISTINCT invoice) AS orders,
         sum(CASE WHEN revenue < deductions THEN deductions - revenue ELSE 0 END) AS returns,
         sum(quantity) AS quantity
  FROM read_csv('{sys.argv[1]}', header = true, types = {{
         'customer': 'VARCHAR', 'invoice': 'VARCHAR', 'quantity': 'DECIMAL(18,3)',
         'unit_price': 'DECIMAL(18,2)', 'revenue': 'DECIMAL(18,2)', 'deductions': 'DECIMAL(18,2)',
         'cost': 'DECIMAL(18,2)'}})
  GROUP BY ALL ORDER BY customer, period
) TO '{sys.argv[2]}' (FORMAT csv)''')
"""

POLARS_GENERATED = """
import polars as pl, sys
money = pl.Decimal(18, 2)
df = pl.scan_csv(sys.argv[1], schema_overrides={
    'customer': pl.String, 'invoice': pl.String, 'quantity': pl.Decimal(18, 3),
    'unit_price': money, 'revenue': money, 'deductions': money, 'cost': money})
net = pl.col('revenue') - pl.col('deductions')
(df.with_columns(pl.col('date').str.slice(0, 7).alias('period'))
   .group_by('customer', 'period')
   .agg(pl.col('revenue').sum().alias('gross_revenue'), pl.col('deductions').sum(),
        net.sum().alias('net_revenue'), pl.col('cost').sum().alias('variable_costs'),
        (net - pl.col('cost')).sum().alias('db1'), pl.col('invoice').n_unique().alias('orders'),
        pl.when(net < 0).then(-net).otherwise(0).sum().alias('returns'), pl.col('quantity').sum())
   .sort('customer', 'period')
   .collect().write_csv(sys.argv[2]))
"""

DUCKDB_RETAIL = """
import duckdb, sys
duckdb.connect().execute(f'''
COPY (
  SELECT "Customer ID" AS customer, strftime(InvoiceDate, '%Y-%m') AS period,
         sum(Quantity * Price) AS net_revenue, count(DISTINCT Invoice) AS orders,
         sum(CASE WHEN Quantity * Price < 0 THEN -(Quantity * Price) ELSE 0 END) AS returns,
         sum(Quantity) AS quantity
  FROM read_csv('{sys.argv[1]}', header = true, types = {{
         'Customer ID': 'VARCHAR', 'Invoice': 'VARCHAR', 'StockCode': 'VARCHAR',
         'Quantity': 'DECIMAL(18,3)', 'Price': 'DECIMAL(18,3)'}})
  GROUP BY ALL ORDER BY customer, period
) TO '{sys.argv[2]}' (FORMAT csv)''')
"""


GNU_TIME = Path("/usr/bin/time")


def run(cmd, cwd):
    """Wall seconds and peak resident MB of one run; stdout is discarded.

    The peak is taken by GNU time, which starts the command from its own small process: a
    process started straight from this script would count the script's own resident memory
    (Python with DuckDB loaded, some 70 MB) in its peak, as the kernel keeps the largest
    resident size across exec. Without GNU time, wait4's rusage is used, with that error.
    """
    env = dict(os.environ, KAM_TODAY="2026-11-23")
    with tempfile.NamedTemporaryFile(mode="r") as peak_file:
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", peak_file.name, *map(str, cmd)] if GNU_TIME.exists() else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err}")
        kilobytes = int(peak_file.read().strip().splitlines()[-1]) if GNU_TIME.exists() else usage.ru_maxrss
    return seconds, kilobytes / 1024


def measure(commands, cwd, runs):
    """Median seconds and largest peak of each command. The commands take turns, one run each
    per round, so that a slower spell of the machine falls on all of them alike."""
    results = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, cmd in commands:
            results[name].append(run(cmd, cwd))
    return {name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}


def count_rows(path):
    if path.suffix == ".gz":
        import gzip
        opener = lambda: gzip.open(path, "rb")
    else:
        opener = lambda: open(path, "rb")
    n = 0
    with opener() as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n - 1


OUT = ROOT / "bench" / "data" / "out"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", nargs="*", default=["sales-1M-erp"],
                        help="generated exports in bench/data/, without .csv")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    import polars
    print(f"{subprocess.run([KAM, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"DuckDB {__import__('duckdb').__version__}, polars {polars.__version__}, "
          f"{os.cpu_count()} cores, median of {args.runs} runs\n")
    if not GNU_TIME.exists():
        print("(no /usr/bin/time: the peak memory includes this script's own, some 70 MB)\n", file=sys.stderr)
    print("| data | rows | MB | command | median s | rows/s | MB/s | peak MB | time / DuckDB | time / polars |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")

    # Every tool writes its whole result as CSV to a file.
    out = lambda name: str(OUT / f"{name}.csv")
    csv = lambda name: ["--format", "csv", "-o", out(name)]
    cases = []
    for name in args.files:
        path = ROOT / "bench" / "data" / f"{name}.csv"
        sales = ["--sales", str(path)]
        cases.append((name, path, WORKSPACE, [
            ("duckdb: margin group-by", [sys.executable, "-c", DUCKDB_GENERATED, str(path), out("duckdb")]),
            ("polars: margin group-by", [sys.executable, "-c", POLARS_GENERATED, str(path), out("polars")]),
            ("kam margin --by customer --period month", [KAM, "margin", "--by", "customer", "--period", "month", *sales, *csv("margin")]),
            ("kam retention --by customer --period month", [KAM, "retention", "--by", "customer", "--period", "month", *sales, *csv("retention")]),
            ("kam kpi --month 2026-10", [KAM, "kpi", "--month", "2026-10", *sales, *csv("kpi")]),
            ("kam brief nordhafen", [KAM, "brief", "nordhafen", *sales, "-o", str(OUT / "brief.md")]),
        ]))
    if RETAIL.exists():
        cases.append(("Online Retail II (.gz)", RETAIL, RETAIL_WORKSPACE, [
            ("duckdb: margin group-by", [sys.executable, "-c", DUCKDB_RETAIL, str(RETAIL), out("duckdb")]),
            ("kam margin --by customer --period month", [KAM, "margin", "--by", "customer", "--period", "month", *csv("margin")]),
            ("kam retention --by customer --period month", [KAM, "retention", "--by", "customer", "--period", "month", *csv("retention")]),
        ]))
    else:
        print(f"\n(skipped Online Retail II: {RETAIL} is absent)", file=sys.stderr)

    for label, path, cwd, commands in cases:
        rows = count_rows(path)
        mb = path.stat().st_size / 1e6
        measured = measure(commands, cwd, args.runs)
        duck = next((s for n, (s, _) in measured.items() if n.startswith("duckdb")), None)
        polars_s = next((s for n, (s, _) in measured.items() if n.startswith("polars")), None)
        for name, _ in commands:
            seconds, peak = measured[name]
            ratio = f"{seconds / duck:.2f}" if duck else "–"
            ratio_p = f"{seconds / polars_s:.2f}" if polars_s else "–"
            print(f"| {label} | {rows:,} | {mb:,.0f} | {name} | {seconds:.2f} | {rows / seconds:,.0f} | "
                  f"{mb / seconds:,.0f} | {peak:,.0f} | {ratio} | {ratio_p} |", flush=True)


if __name__ == "__main__":
    main()
