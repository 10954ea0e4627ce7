"""The Markdown report: golden file, GFM table integrity and escaping of untrusted names."""

from __future__ import annotations

import re

import pytest

from crmscan.model import ScanResult
from crmscan.report.base import RenderOptions
from crmscan.report.document import build_document
from crmscan.report.fixtures import empty_scan_result, hostile_scan_result, sample_scan_result
from crmscan.report.markdown import MarkdownRenderer, code, text
from update_golden import GOLDEN_DIR, render_golden

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _render(result: ScanResult | None = None) -> str:
    return MarkdownRenderer().render(build_document(result or sample_scan_result()), RenderOptions())


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_matches_golden_file() -> None:
    expected = (GOLDEN_DIR / "report.md").read_text(encoding="utf-8")
    assert render_golden()["report.md"] == expected, "run `python tests/update_golden.py` and review the diff"


def test_lists_every_sensitive_column_and_error() -> None:
    markdown = _render()
    document = build_document(sample_scan_result())
    for table in document["tables"]:
        for column in table["columns"]:
            assert (f"`{column['name']}`" in markdown) == bool(column["categories"])
    for error in document["errors"]:
        assert error["stage"] in markdown and "`" + error["table"] + "`" in markdown
    assert "`**** **** **** 4242`" in markdown


def test_summary_and_category_counts() -> None:
    markdown = _render()
    assert "| 5 (4 with sensitive columns) | 23 | 13 (57%) | 65,277 | 2 |" in markdown
    assert "| pii | 7 |" in markdown and "| credential | 2 |" in markdown


def test_every_table_row_has_the_header_cell_count() -> None:
    for markdown in (_render(), _render(hostile_scan_result())):
        blocks = re.split(r"\n\n", markdown)
        for block in blocks:
            rows = _table_rows(block)
            if rows:
                widths = {len(_CELL_SPLIT.split(row)) for row in rows}
                assert len(widths) == 1, block


def test_hostile_names_cannot_inject() -> None:
    markdown = _render(hostile_scan_result())
    outside_code = re.sub(r"(`+).*?\1", "", markdown)  # code spans render their content literally
    assert "<" not in outside_code.replace("\\<", "")
    assert not re.search(r"(?<!\\)\]\(", markdown), "an unescaped ]( would make a link"
    assert "a\\|b" in markdown  # pipe escaped inside the code span
    assert "\\<b\\>values\\</b\\> \\| are e-mail" in markdown
    assert "\\*x\\*" in markdown


def test_risk_and_findings_sections() -> None:
    markdown = _render()
    document = build_document(sample_scan_result())
    assert "## Risk\n\nOverall risk: **CRITICAL** (highest column score 64/100)." in markdown
    assert "Findings by level: critical 2 · high 4 · medium 4 · low 1 · info 0" in markdown
    section = markdown[markdown.index("## Findings") : markdown.index("## Sensitive columns by category")]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(document["findings"])
    assert [row.split(" | ")[0][2:] for row in rows] == [f["level"] for f in document["findings"]]
    assert (
        "`RSK004`" in section and "GDPR-9" in section and "Revoke SELECT on religion from PUBLIC" in section
    )


def test_client_and_assessor_in_the_header() -> None:
    document = build_document(sample_scan_result())
    markdown = MarkdownRenderer().render(document, RenderOptions(client="Acme <Ltd>", assessor="J_Roe_"))
    assert "- Client: Acme \\<Ltd\\>" in markdown and "- Assessor: J_Roe\\_" in markdown


def test_hostile_principals_cannot_inject() -> None:
    markdown = _render(hostile_scan_result())
    section = markdown[markdown.index("## Findings") : markdown.index("## Sensitive columns by category")]
    outside_code = re.sub(r"(`+).*?\1", "", section)
    assert "<" not in outside_code.replace("\\<", ""), "every < of a principal or purpose is escaped"
    assert "\\<svg onload=alert(5)\\>" in section


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "`plain`"),
        ("a|b", "`a\\|b`"),
        ("has `tick`", "`` has `tick` ``"),
        ("`edge", "`` `edge ``"),
        ("two\nlines", "`two lines`"),
        ("", "` `"),
    ],
)
def test_code_span(value: str, expected: str) -> None:
    assert code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("audit_log", "audit_log"),
        ("_lead", "\\_lead"),
        ("[x](http://e)", "\\[x\\](http://e)"),
        ("a & <b>", "a \\& \\<b\\>"),
        ("x\n| y", "x \\| y"),
    ],
)
def test_text_escaping(value: str, expected: str) -> None:
    assert text(value) == expected


def test_empty_scan() -> None:
    markdown = _render(empty_scan_result())
    assert "No tables were scanned." in markdown
    assert "Everything was scanned." in markdown
    assert "- Sources: none" in markdown


def test_ends_with_single_newline_and_no_trailing_spaces() -> None:
    markdown = _render()
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    assert all(line == line.rstrip() for line in markdown.splitlines())
