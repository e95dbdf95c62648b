"""python -m dashboard.page_bench: how long each page takes on the server.

Runs every page of the app with Streamlit's AppTest (the whole script: sign-in off, sidebar,
queries, protection, charts) against a published file, a few times after two warm-up runs,
and prints each page's median CPU seconds (the script's own work, steadier than wall time on
a shared machine). With --languages, each page is timed in each language, the languages'
runs interleaved, with the ratio to the first language. With --baseline-checkout (another
checkout of the project, e.g. an earlier commit, with its own published file and Python),
English is measured there in the same run and the ratio of the two is printed: the seconds
depend on the machine and on what else it is doing, the ratios much less.

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
runs, languages = int(sys.argv[1]), sys.argv[2].split(",")
out = {}
for page in pages:
    sessions = {}
    for lang in languages:
        at = AppTest.from_file("dashboard/app.py", default_timeout=600)
        at.query_params["lang"] = lang
        if page != pages[0]:
            at.switch_page(f"../pages/{page}.py")
        at.run()
        at.run()  # warm: the connection, options, caches, catalogues, map shapes
        sessions[lang] = at
    times = {lang: [] for lang in languages}
    for _ in range(runs):  # the languages interleaved: a busy moment hits them alike
        for lang, at in sessions.items():
            start = time.process_time()
            at.run()
            times[lang].append(time.process_time() - start)
    errors = [e.value for at in sessions.values() for e in at.error]
    errors += [str(e.value) for at in sessions.values() for e in at.exception]
    out[page] = {"times": times, "errors": errors}
print(json.dumps(out))
"""


def measure(
    checkout: Path, warehouse: Path, python: str, runs: int, languages: list[str]
) -> dict[str, dict]:
    env = {**os.environ, "GMS_WAREHOUSE_DIR": str(warehouse), "PYTHONPATH": str(checkout)}
    env.pop("GMS_I18N_STRICT", None)
    done = subprocess.run(
        [python, "-c", DRIVER, str(runs), ",".join(languages)],
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
    languages = list(next(iter(ours.values()))["times"])
    first = languages[0]
    head = f"{'page':<22}" + "".join(f" {lang + ' s':>9}" for lang in languages)
    if len(languages) > 1:
        head += f" {'worst vs ' + first:>14}"
    if baseline:
        head += f" {'baseline s':>11} {'ratio':>6}"
    lines = [head]
    medians: dict[str, list[float]] = {lang: [] for lang in languages}
    base_medians: list[float] = []
    for page, result in ours.items():
        row = f"{page:<22}"
        per = {lang: statistics.median(t) for lang, t in result["times"].items()}
        for lang in languages:
            medians[lang].append(per[lang])
            row += f" {per[lang]:>9.3f}"
        if len(languages) > 1:
            worst = max(per[lang] / per[first] - 1 for lang in languages[1:])
            row += f" {worst:>+14.0%}"
        if baseline and page in baseline:
            base = statistics.median(next(iter(baseline[page]["times"].values())))
            base_medians.append(base)
            row += f" {base:>11.3f} {per[first] / base:>6.2f}"
        if result["errors"]:
            row += "  ERRORS: " + "; ".join(result["errors"])[:200]
        lines.append(row)
    summary = f"{'median page':<22}" + "".join(
        f" {statistics.median(m):>9.3f}" for m in medians.values()
    )
    lines.append(summary)
    lines.append(f"{'slowest page':<22}" + "".join(f" {max(m):>9.3f}" for m in medians.values()))
    if base_medians:
        ours_first = medians[first][: len(base_medians)]
        lines.append(
            f"{first}: median page {statistics.median(ours_first) / statistics.median(base_medians):.2f}x "
            f"the baseline's, slowest page {max(ours_first) / max(base_medians):.2f}x"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.page_bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--warehouse", type=Path, default=paths.warehouse_dir(), help="folder with published.duckdb"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per page (after two warm-ups)"
    )
    parser.add_argument("--languages", default="en", help="e.g. en,km,lo,th,vi,my,zh")
    parser.add_argument("--baseline-checkout", type=Path, help="another checkout of the project")
    parser.add_argument("--baseline-warehouse", type=Path, help="its warehouse folder")
    parser.add_argument("--baseline-python", default=sys.executable, help="its Python (a venv's)")
    args = parser.parse_args(argv)
    languages = args.languages.split(",")
    ours = measure(paths.ROOT, args.warehouse, sys.executable, args.runs, languages)
    baseline = None
    if args.baseline_checkout:
        if not args.baseline_warehouse:
            parser.error("--baseline-checkout needs --baseline-warehouse")
        baseline = measure(
            args.baseline_checkout, args.baseline_warehouse, args.baseline_python, args.runs, ["en"]
        )
    print("\n".join(report(ours, baseline)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
