"""python -m etl bench: how fast and how lean are load and publish?

For each size: generate a sample, then time each stage in its own process (so peak memory
is that stage's alone) next to two references measured on the same files in the same run:
- floor: DuckDB's read_csv -> count(*) over every submission file (the cost of one scan);
- pandas: a plain pandas pipeline doing the same validation and the headline aggregation
  (etl/bench/pandas_baseline.py).
The ratios to those references are the headline figures; absolute seconds depend on the
machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

PY = sys.executable


BASELINE_MEMORY_CAP_GIB = (
    12  # the plain-pandas baseline is stopped past this (it can exhaust 24 GiB)
)


def timed(
    args: list[str],
    env: dict | None = None,
    *,
    cap_gib: float | None = None,
    may_fail: bool = False,
) -> tuple[float, float, bool]:
    """Run a command; return (wall seconds, peak RSS in GiB, finished) of that process alone."""

    def limit() -> None:
        if cap_gib:
            import resource

            cap = int(cap_gib * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=limit
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    # the loader exits 1 when it refused a file; a baseline must simply succeed
    ok = os.waitstatus_to_exitcode(status) in ((0,) if may_fail else (0, 1))
    if not ok and not may_fail:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024 / 1024, ok  # ru_maxrss is KiB on Linux


def input_rows(folder: Path) -> int:
    import duckdb

    files = sorted(folder.glob("*.csv"))
    return sum(
        duckdb.execute("SELECT count(*) FROM read_csv($f)", {"f": str(f)}).fetchone()[0]
        for f in files
    )


FLOOR = (
    "import duckdb,sys,glob; con=duckdb.connect(); con.execute('SET threads=2');"
    "[con.execute('SELECT count(*) FROM read_csv($f, all_varchar=true)', {'f': f}).fetchall() "
    "for f in glob.glob(sys.argv[1] + '/*.csv')]"
)


def run_bench(
    sizes: list[int], workdir: Path | None = None, *, pandas_baseline: bool = True
) -> list[dict]:
    console = Console()
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="gms-bench-"))
    env = {**os.environ, "GMS_HASH_KEY_FILE": str(base / "bench-key")}
    results = []
    try:
        for n in sizes:
            folder, wh = base / f"sample-{n}", base / f"warehouse-{n}"
            shutil.rmtree(wh, ignore_errors=True)
            gen = timed(
                [
                    PY,
                    "-m",
                    "etl",
                    "sample",
                    "--out",
                    str(folder),
                    "--cases",
                    str(n),
                    "--seed",
                    "7",
                    "--as-of",
                    "2026-06-30",
                ],
                env,
            )
            rows = input_rows(folder)
            mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1e6
            stages = {"generate sample": gen}
            stages["floor: DuckDB scan"] = timed([PY, "-c", FLOOR, str(folder)], env)
            stages["load"] = timed(
                [PY, "-m", "etl", "load", str(folder), "--warehouse", str(wh), "--no-publish"], env
            )
            stages["publish"] = timed([PY, "-m", "etl", "publish", "--warehouse", str(wh)], env)
            if pandas_baseline:
                stages["baseline: plain pandas"] = timed(
                    [PY, "-m", "etl.bench.pandas_baseline", str(folder)],
                    env,
                    cap_gib=BASELINE_MEMORY_CAP_GIB,
                    may_fail=True,
                )
            results.append(_report(console, n, rows, mb, stages))
            shutil.rmtree(wh, ignore_errors=True)
    finally:
        if workdir is None:
            shutil.rmtree(base, ignore_errors=True)
    return results


def _report(console: Console, n: int, rows: int, mb: float, stages: dict) -> dict:
    table = Table(title=f"{n:,} cases: {rows:,} input rows, {mb:,.0f} MB of CSV")
    for col in ("stage", "wall s", "rows/s", "peak GiB"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for name, (wall, rss, ok) in stages.items():
        if ok:
            table.add_row(name, f"{wall:.1f}", f"{rows / wall:,.0f}", f"{rss:.2f}")
        else:
            table.add_row(name, f"> {wall:.1f}", "did not finish", f"> {rss:.2f}")
    ours = stages["load"][0] + stages["publish"][0]
    peak = max(stages["load"][1], stages["publish"][1])
    table.add_row(
        "load + publish", f"{ours:.1f}", f"{rows / ours:,.0f}", f"{peak:.2f}", style="bold"
    )
    console.print(table)
    floor = stages["floor: DuckDB scan"][0]
    summary = {
        "cases": n,
        "rows": rows,
        "load_publish_s": ours,
        "peak_gib": peak,
        "floor_s": floor,
        "x_floor": ours / floor,
    }
    line = f"load + publish = {ours / floor:.1f}x the scan floor"
    if "baseline: plain pandas" in stages:
        pd_wall, pd_rss, pd_ok = stages["baseline: plain pandas"]
        summary |= {
            "pandas_s": pd_wall,
            "pandas_gib": pd_rss,
            "x_pandas": pd_wall / ours,
            "pandas_finished": pd_ok,
        }
        if pd_ok:
            line += f"; plain pandas takes {pd_wall / ours:.1f}x as long and {pd_rss / peak:.1f}x the memory"
        else:
            line += (
                f"; plain pandas ran out of its {BASELINE_MEMORY_CAP_GIB} GiB cap after {pd_wall:.0f} s "
                "without finishing"
            )
    console.print(line + "\n")
    return summary
