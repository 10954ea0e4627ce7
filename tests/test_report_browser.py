"""The demo report in a real browser: loads with no console errors and no network, prints to clean PDF.

Headless Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: commands
on fd 3, events on fd 4, NUL-separated JSON), so the test needs nothing beyond the standard library —
no websocket client, no debugging port another process could reach. Every network request the page
makes is recorded; only the report's own ``file:`` URL (and inline ``data:``/``about:`` URLs) may appear.

Marked ``browser``; skipped with a reason when Chromium is missing, except under ``CI=true`` where a
missing browser is a failure (the CI image is supposed to have it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_crm"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ALLOWED_SCHEMES = ("file:", "data:", "about:", "blob:")

pytestmark = pytest.mark.browser


def _require_chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but Chromium is not installed (Debian package `chromium`)")
        pytest.skip("headless Chromium not installed (Debian package `chromium`); browser tests skipped")
    return CHROMIUM


class Browser:
    """A headless Chromium driven over ``--remote-debugging-pipe``; one page, events recorded."""

    def __init__(self, binary: str, profile: Path, timeout: float = 60.0) -> None:
        self.timeout = timeout
        cmd_read, self._cmd_write = os.pipe()
        self._evt_read, evt_write = os.pipe()

        def wire_fds() -> None:  # in the child: the protocol wants exactly fds 3 and 4
            high_in = fcntl.fcntl(cmd_read, fcntl.F_DUPFD, 20)
            high_out = fcntl.fcntl(evt_write, fcntl.F_DUPFD, 20)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.proc = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--no-default-browser-check",
                "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_fds,  # noqa: PLW1509 - fd wiring needs it
        )  # fmt: skip
        os.close(cmd_read)
        os.close(evt_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def close(self) -> None:
        """Ask the browser to quit, then make sure it did."""
        try:
            self.send("Browser.close", session=False)
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._cmd_write, self._evt_read):
            try:
                os.close(fd)
            except OSError:
                pass

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = True
    ) -> dict[str, Any]:
        """Send one command and wait for its result (events that arrive meanwhile are recorded)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._cmd_write, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The first (recorded or future) event called *method*."""
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def settle(self, seconds: float) -> None:
        """Record events for *seconds* (late console messages, late requests)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not select.select([self._evt_read], [], [], max(0.0, end - time.monotonic()))[0]:
                break
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._evt_read], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium over the DevTools pipe")
            chunk = os.read(self._evt_read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        """Open *url* in a new page with console, log and network events on, and wait for load."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, session=False
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 900, "deviceScaleFactor": 1,
                                                          "mobile": False})  # fmt: skip
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.settle(1.0)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries, as text."""
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return out

    def requests(self) -> list[str]:
        """Every URL the page asked for."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo scanned through the real pipeline, reports written as ``crmscan demo`` writes them."""
    from crmscan.cli.run import ScanOptions, execute
    from crmscan.report.base import OutputFormat

    _require_chromium()  # skip (or fail under CI) before spending a scan on it
    out = tmp_path_factory.mktemp("demo-report")
    execute(
        ScanOptions(
            sources=[str(DEMO / "crm.sqlite"), str(DEMO / "exports")],
            out=out,
            formats=[OutputFormat.HTML, OutputFormat.JSON],
            grants=DEMO / "grants.yaml",
            client="Example CRM (demo data)",
            assessor="crmscan test suite",
            title="crmscan demo: example CRM",
            quiet=True,
        )
    )
    return out / "report.html"


@pytest.fixture()
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    binary = _require_chromium()
    profile = Path(tempfile.mkdtemp(prefix="crmscan-chromium-", dir=tmp_path))
    b = Browser(binary, profile)
    try:
        yield b
    finally:
        b.close()


def test_demo_report_loads_offline_without_errors(
    demo_report: Path, browser: Browser, tmp_path: Path
) -> None:
    browser.open(demo_report.as_uri())
    assert browser.problems() == []
    external = [u for u in browser.requests() if not u.startswith(ALLOWED_SCHEMES)]
    assert external == [], f"the report fetched {external}"
    assert browser.requests() and all(
        u == demo_report.as_uri() for u in browser.requests() if u.startswith("file:")
    )
    # The inline script ran: the inventory filter is shown and counts the rows.
    shown = browser.send(
        "Runtime.evaluate", {"expression": "document.getElementById('inventory-count').textContent"}
    )
    assert re.fullmatch(r"(\d+) of \1 columns shown", shown["result"]["value"])
    levels = browser.send("Runtime.evaluate", {"expression": "document.querySelectorAll('.finding').length"})
    assert levels["result"]["value"] > 10
    shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
    png = tmp_path / "demo-report.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def page_count(pdf: bytes) -> int:
    """Pages of a PDF: pypdf when installed, else the /Type /Page objects (Chromium writes them plainly)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    import io

    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_demo_report_prints_to_a_sane_pdf(demo_report: Path, browser: Browser, tmp_path: Path) -> None:
    browser.open(demo_report.as_uri())
    pdf = base64.b64decode(
        browser.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"]
    )
    path = tmp_path / "demo-report.pdf"
    path.write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = page_count(pdf)
    # Cover, summary, findings, heat map, exposure, impact, appendices: more than a handful, and the
    # print CSS keeps it well below one page per inventory row.
    assert 8 <= pages <= 80, pages
    assert browser.problems() == []


def test_chinese_report_loads_without_errors(browser: Browser, tmp_path: Path) -> None:
    from crmscan.report.base import RenderOptions
    from crmscan.report.document import build_document
    from crmscan.report.fixtures import sample_scan_result
    from crmscan.report.html import HtmlRenderer

    page = tmp_path / "report-zh.html"
    html = HtmlRenderer().render(
        build_document(sample_scan_result()), RenderOptions(lang="zh", client="示例客户")
    )
    page.write_text(html, encoding="utf-8")
    browser.open(page.as_uri())
    assert browser.problems() == []
    assert [u for u in browser.requests() if not u.startswith(ALLOWED_SCHEMES)] == []
    lang = browser.send("Runtime.evaluate", {"expression": "document.documentElement.lang"})
    assert lang["result"]["value"] == "zh-CN"
