"""Page server time per page and language: the script run of each page, timed in-process
with Streamlit's AppTest on the published file of GMS_WAREHOUSE_DIR, the languages' runs
interleaved so that a busy moment of the machine hits them alike (median CPU seconds).

    GMS_WAREHOUSE_DIR=<warehouse> .venv/bin/python bench/page_times.py \\
        --languages en,km,lo,th,vi,my,zh --runs 9 [--pages overview,budget]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import config

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default="en,km,lo,th,vi,my,zh")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pages", default="")
    args = parser.parse_args()
    keys = [p.key for p in config.settings().pages]
    languages = args.languages.split(",")
    out: dict[str, dict[str, float]] = {}
    for page in args.pages.split(",") if args.pages else keys:
        sessions = {}
        for lang in languages:
            at = AppTest.from_file(str(APP), default_timeout=300)
            at.query_params["lang"] = lang
            if page != keys[0]:
                at.switch_page(f"../pages/{page}.py")
            at.run()
            at.run()  # warm: caches, catalogues, map shapes
            assert not at.exception, [e.value for e in at.exception]
            sessions[lang] = at
        times: dict[str, list[float]] = {lang: [] for lang in languages}
        for _ in range(args.runs):
            for lang, at in sessions.items():
                start = time.process_time()
                at.run()
                times[lang].append(time.process_time() - start)
        out[page] = {lang: statistics.median(v) for lang, v in times.items()}
        first = out[page][languages[0]]
        print(page, " ".join(f"{k}={v:.3f}s ({v / first - 1:+.0%})" for k, v in out[page].items()))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
