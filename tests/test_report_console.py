"""The terminal summary: key facts are printed, errors are red, odd input never crashes it."""

from __future__ import annotations

import io

from rich.console import Console

from crmscan.model import ColumnResult, RowCount, ScanResult, ScanSettings, TableRef, TableResult
from crmscan.report.console import print_summary
from crmscan.report.document import build_document
from crmscan.report.fixtures import (
    HOSTILE_COLUMN,
    HOSTILE_PIPE_COLUMN,
    empty_scan_result,
    hostile_scan_result,
    sample_scan_result,
)


def _printed(result: ScanResult, **kwargs: int) -> str:
    console = Console(record=True, width=120, file=io.StringIO())
    print_summary(build_document(result), console, **kwargs)
    return console.export_text()


def test_key_facts() -> None:
    out = _printed(sample_scan_result())
    for needle in (
        "Sensitive columns: 13 of 23 columns in 4 of 5 tables (65,277 rows).",
        "pii 7 · financial 3 · health 1 · special 1 · credential 2",
        "crm_db/public.contacts",
        "exports/users.csv",
        "EMAIL_ADDRESS 98%",
        "api_key",
        "cleartext",
        "tokenized",
        "2 items could not be scanned:",
        "crm_db/public.audit_log (sample): permission denied for table audit_log",
    ):
        assert needle in out
    assert "created_at" not in out  # only sensitive columns are listed


def test_compact_summary_when_many_columns() -> None:
    out = _printed(sample_scan_result(), max_rows=5)
    assert "Tables with sensitive columns" in out
    assert "5 of 7" in out
    assert "Sensitive columns\n" not in out and "PERSON 91%" not in out  # no per-column table
    assert "public.deal_stages" not in out  # nothing sensitive there


def test_overall_risk_and_top_findings() -> None:
    out = _printed(sample_scan_result())
    assert "Overall risk: CRITICAL — 2 critical · 4 high · 4 medium · 1 low" in out
    assert "Top findings" in out and "RSK004" in out and "public.contacts.religion" in out
    assert "… and 6 more findings in the reports." in out
    document = build_document(sample_scan_result())
    top = [f for f in document["findings"] if f["fingerprint"] in document["risk"]["top_risks"]]
    for f in top:
        assert f["title"][:30] in out


def test_critical_is_styled() -> None:
    console = Console(
        record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="standard"
    )
    print_summary(build_document(sample_scan_result()), console)
    ansi = console.export_text(styles=True)
    assert "CRITICAL" in ansi and "\x1b[1;37;41m" in ansi


def test_no_risk_section_without_assessment() -> None:
    document = build_document(sample_scan_result())
    document["risk"] = {}
    console = Console(record=True, width=120, file=io.StringIO())
    print_summary(document, console)
    assert "Overall risk" not in console.export_text()


def test_errors_are_red() -> None:
    console = Console(
        record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="standard"
    )
    print_summary(build_document(sample_scan_result()), console)
    ansi = console.export_text(styles=True)
    red = "\x1b[31m"
    assert red + "permission denied for table audit_log" in ansi
    assert "\x1b[1;31m2 items could not be scanned:" in ansi


def test_empty_scan_does_not_crash() -> None:
    out = _printed(empty_scan_result())
    assert "No tables were scanned." in out
    assert "could not be scanned" not in out


def test_no_sensitive_columns() -> None:
    result = ScanResult(
        tool_version="0.0.0-test",
        started="2026-01-01T00:00:00Z",
        finished="2026-01-01T00:00:00Z",
        sources=["s"],
        settings=ScanSettings(),
        tables=[
            TableResult(
                ref=TableRef(source="s", name="t"),
                row_count=RowCount(value=None, exact=False, method="estimate"),
                sampled_rows=0,
                columns=[ColumnResult(name="id", data_type="integer")],
            )
        ],
    )
    assert "No sensitive columns found." in _printed(result)


def test_markup_in_names_is_printed_literally() -> None:
    out = _printed(hostile_scan_result())
    assert HOSTILE_COLUMN in out.replace("\n", "") or "<script>alert('x')</script>" in out
    assert "[/]" in out and "[bold]d[/bold]" in out
    assert HOSTILE_PIPE_COLUMN.split()[0] in out
