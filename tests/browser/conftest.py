"""Fixtures for the browser tests: a `streamlit run` server on the pipeline's published
database, and one offline chromium (Debian's, never a downloaded one) that may talk to
that server only.

The server runs in its own process group and is always stopped at the end of the module,
children included. Its output goes to a log file that the tests read (errors, missing
translations). Chromium's requests to any host other than the server's are aborted and
recorded in `Browser.blocked`. axe_violations(): axe-core's WCAG 2.1 A and AA rules on a
page (the accessibility tests, README Accessibility).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SERVER_START_TIMEOUT = 60.0
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# --- the server ---------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    log_file: Path
    process: subprocess.Popen

    def log_size(self) -> int:
        return self.log_file.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log_file, encoding="utf-8", errors="replace") as fh:
            fh.seek(offset)
            return fh.read()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (it and its children), then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    else:  # the server is gone; make sure nothing it started lingers
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def warehouse_dir(pipeline) -> Path:
    assert pipeline.published.is_file(), f"the pipeline published nothing: {pipeline.published}"
    return pipeline.warehouse_dir


@contextlib.contextmanager
def serve(warehouse_dir: Path, folder: Path, secrets: Path) -> Iterator[Server]:
    """`streamlit run` on warehouse_dir's published file, with users from secrets only (a
    developer's own .streamlit/secrets.toml is never read)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_file = folder / "server.log"
    env = {
        **os.environ,
        "GMS_WAREHOUSE_DIR": str(warehouse_dir),
        "GMS_AUDIT_FILE": str(folder / "trail.jsonl"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("GMS_I18N_STRICT", None)  # as users get it: a missing text is logged, not raised
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--secrets.files", str(secrets),
    ]  # fmt: skip
    with open(log_file, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_file.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s:\n"
                            f"{log_file.read_text()}")  # fmt: skip
            time.sleep(0.2)
        yield Server(url, log_file, process)
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def server(warehouse_dir: Path, tmp_path_factory) -> Iterator[Server]:
    """No users set up: sign-in is off over the synthetic sample."""
    folder = tmp_path_factory.mktemp("streamlit")
    with serve(warehouse_dir, folder, folder / "no-secrets.toml") as running:
        yield running


# --- the browser --------------------------------------------------------------------------


@dataclass
class Browser:
    context: object  # playwright BrowserContext
    page: object  # playwright Page: the one tab, reused by every test
    blocked: list[str] = field(default_factory=list)  # every request aborted


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    assert executable, "chromium missing (the module should have been skipped)"
    blocked: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
            locale="en-GB",
            timezone_id="Asia/Bangkok",
            service_workers="block",
        )
        try:
            context.route("**/*", route)
            context.set_default_timeout(30_000)
            page = context.pages[0] if context.pages else context.new_page()
            yield Browser(context, page, blocked)
        finally:
            context.close()


# --- accessibility --------------------------------------------------------------------------

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


@functools.cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe  # ships axe-core: nothing fetched

    return Axe()


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, one line per element:
    rule id (impact), the element's selector, what is wrong."""
    found = _axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}) {' '.join(map(str, node['target']))}: "
        + " ".join(node.get("failureSummary", v["help"]).split())
        for v in found
        for node in v["nodes"]
    ]


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
