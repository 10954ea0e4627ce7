"""The HTML report: golden file, self-containment, escaping, accessibility basics."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crmscan.model import ScanResult
from crmscan.report.base import RenderOptions
from crmscan.report.document import build_document
from crmscan.report.fixtures import (
    HOSTILE_COLUMN,
    HOSTILE_MESSAGE,
    HOSTILE_TABLE,
    empty_scan_result,
    hostile_scan_result,
    sample_scan_result,
)
from crmscan.report.html import HtmlRenderer, format_duration, format_percent, format_timestamp
from update_golden import GOLDEN_DIR, render_golden

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _render(result: ScanResult | None = None, title: str = "crmscan data privacy report") -> str:
    return HtmlRenderer().render(build_document(result or sample_scan_result()), RenderOptions(title=title))


class _Collector(HTMLParser):
    """Records tags and attributes, and checks that non-void elements are closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def test_matches_golden_file() -> None:
    expected = (GOLDEN_DIR / "report.html").read_text(encoding="utf-8")
    assert render_golden()["report.html"] == expected, (
        "run `python tests/update_golden.py` and review the diff"
    )


def test_render_is_deterministic() -> None:
    assert _render() == _render()


def test_is_self_contained() -> None:
    html = _render()
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), f"<{tag} {name}={value!r}> points outside the file"
        assert not (tag == "link"), "no <link> elements: CSS is inlined"
        assert not (tag == "script" and "src" in attrs), "no external scripts"
    assert not re.search(r"https?://", html), "no absolute URLs at all"
    assert not re.search(r"url\s*\(", html, re.IGNORECASE), "no CSS url(): images and fonts are not fetched"
    assert "@import" not in html
    assert html.count("<script>") == 1 and html.count("<style>") == 1


def test_markup_is_balanced() -> None:
    parsed = _parse(_render())
    assert parsed.problems == []
    assert parsed.stack == []


def test_every_table_column_and_error_appears() -> None:
    html = _render()
    document = build_document(sample_scan_result())
    text = " ".join(_parse(html).text)
    for table in document["tables"]:
        assert table["name"] in text
        for column in table["columns"]:
            assert column["name"] in text
            for evidence in column["evidence"]:
                for example in evidence["examples"]:
                    assert example in text
    assert document["errors"]
    for error in document["errors"]:
        assert error["message"] in text
        assert error["table"] in text


def test_sections_and_header_facts() -> None:
    html = _render(title="Acme CRM audit")
    for needle in (
        "<title>Acme CRM audit</title>",
        "1 January 2026, 00:00 UTC",
        "crmscan 0.0.0-test",
        "up to 1,000 rows per table, seed 42",
        'id="summary"',
        'id="categories"',
        'id="heatmap"',
        'id="inventory"',
        'id="not-scanned"',
        "j***@e***.com",
        "**** **** **** 4242",
    ):
        assert needle in html


def test_heatmap_cells_have_text_labels() -> None:
    html = _render()
    cells = re.findall(r'<td class="heat heat-(\w+)">(.*?)</td>', html)
    assert cells
    for level, content in cells:
        label = re.sub(r"<[^>]+>", " ", content)
        assert (level in label) or (level == "empty" and "none" in label), (level, content)


def test_every_th_has_scope() -> None:
    parsed = _parse(_render())
    ths = [attrs for tag, attrs in parsed.tags if tag == "th"]
    assert ths and all(attrs.get("scope") in {"col", "row", "rowgroup", "colgroup"} for attrs in ths)


def test_print_css_present() -> None:
    html = _render()
    assert "@media print" in html and "break-inside: avoid" in html


def test_hostile_names_are_escaped() -> None:
    html = _render(hostile_scan_result(), title="<b>T</b>")
    for raw in (
        HOSTILE_COLUMN,
        HOSTILE_TABLE,
        HOSTILE_MESSAGE,
        "<b>T</b>",
        "<b>values</b>",
        "<i>x</i>",
        "<!--",
    ):
        assert raw not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;T&lt;/b&gt;" in html
    parsed = _parse(html)
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert not any(tag == "img" for tag, _ in parsed.tags)
    assert parsed.problems == []


def test_empty_scan_renders() -> None:
    html = _render(empty_scan_result())
    assert "No tables were scanned." in html
    assert "Everything was scanned" in html
    assert _parse(html).problems == []


@pytest.mark.parametrize(
    ("started", "finished", "expected"),
    [
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:42Z", "42 s"),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:03:05Z", "3 min 5 s"),
        ("2026-01-01T00:00:00+00:00", "2026-01-01T02:04:00+00:00", "2 h 4 min"),
        ("garbage", "2026-01-01T00:00:00Z", ""),
    ],
)
def test_format_duration(started: str, finished: str, expected: str) -> None:
    assert format_duration(started, finished) == expected


def test_format_helpers() -> None:
    assert format_timestamp("2026-03-05T13:07:00+01:00") == "5 March 2026, 12:07 UTC"
    assert format_timestamp("not a date") == "not a date"
    assert format_percent(0.034) == "3.4%"
    assert format_percent(0.982) == "98%"
    assert format_percent(0.0) == "0%"


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs headless Chromium")
def test_filter_script_runs_offline(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_render(), encoding="utf-8")
    dom = subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    total = len(re.findall(r"data-search=", dom))
    assert f"{total} of {total} columns shown" in dom, "the inline filter script did not run"
    assert '<form id="inventory-controls" class="controls" role="search"' in dom  # no longer hidden
