"""python -m dashboard.page_bench: how long each page takes on the server.

Runs every page of the app with Streamlit's AppTest (the whole script: sign-in off, sidebar,
queries, protection, charts) against a published file, a few times after one warm-up run,
and prints each page's median and slowest time. With --baseline-checkout (another checkout
of the project, e.g. an earlier commit, with its own published file and Python), the same
is measured there in the same run, and the ratio of the two is printed: the seconds depend
on the machine and on what else it is doing, the ratio much less.

Each checkout is measured in a process of its own, so the two never share a module.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from reference import paths

# Run in the checkout's own process: page keys from its settings, timed AppTest runs.
DRIVER = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
from streamlit.testing.v1 import AppTest
import yaml
pages = [p["key"] for p in yaml.safe_load(open("data/reference/dashboard.yaml"))["pages"]]
runs = int(sys.argv[1])
out = {}
for page in pages:
    at = AppTest.from_file("dashboard/app.py", default_timeout=600)
    if page != pages[0]:
        at.switch_page(f"../pages/{page}.py")
    at.run()  # warm-up: the connection, options and caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    errors = [e.value for e in at.error] + [str(e.value) for e in at.exception]
    out[page] = {"times": times, "errors": errors}
print(json.dumps(out))
"""


def measure(checkout: Path, warehouse: Path, python: str, runs: int) -> dict[str, dict]:
    env = {**os.environ, "GMS_WAREHOUSE_DIR": str(warehouse), "PYTHONPATH": str(checkout)}
    env.pop("GMS_I18N_STRICT", None)
    done = subprocess.run(
        [python, "-c", DRIVER, str(runs)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the pages could not be run:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(ours: dict[str, dict], baseline: dict[str, dict] | None) -> list[str]:
    lines = []
    head = f"{'page':<22} {'median s':>9} {'slowest s':>10}"
    if baseline:
        head += f" {'baseline median s':>18} {'ratio':>6}"
    lines.append(head)
    medians, base_medians = [], []
    for page, result in ours.items():
        median = statistics.median(result["times"])
        medians.append(median)
        row = f"{page:<22} {median:>9.3f} {max(result['times']):>10.3f}"
        if baseline and page in baseline:
            base = statistics.median(baseline[page]["times"])
            base_medians.append(base)
            row += f" {base:>18.3f} {median / base:>6.2f}"
        if result["errors"]:
            row += "  ERRORS: " + "; ".join(result["errors"])[:200]
        lines.append(row)
    summary = f"{'all pages':<22} {statistics.median(medians):>9.3f} {max(medians):>10.3f}"
    if base_medians:
        ratio = statistics.median(medians) / statistics.median(base_medians)
        worst = max(medians) / max(base_medians)
        summary += f" {statistics.median(base_medians):>18.3f} {ratio:>6.2f}"
        lines.append(summary)
        lines.append(
            f"median page: {ratio:.2f}x the baseline; slowest page: {worst:.2f}x the baseline's slowest"
        )
    else:
        lines.append(summary)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.page_bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--warehouse", type=Path, default=paths.warehouse_dir(), help="folder with published.duckdb"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per page (after one warm-up)"
    )
    parser.add_argument("--baseline-checkout", type=Path, help="another checkout of the project")
    parser.add_argument("--baseline-warehouse", type=Path, help="its warehouse folder")
    parser.add_argument("--baseline-python", default=sys.executable, help="its Python (a venv's)")
    args = parser.parse_args(argv)
    ours = measure(paths.ROOT, args.warehouse, sys.executable, args.runs)
    baseline = None
    if args.baseline_checkout:
        if not args.baseline_warehouse:
            parser.error("--baseline-checkout needs --baseline-warehouse")
        baseline = measure(
            args.baseline_checkout, args.baseline_warehouse, args.baseline_python, args.runs
        )
    print("\n".join(report(ours, baseline)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
