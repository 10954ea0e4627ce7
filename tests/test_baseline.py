"""Baselines: versioned, sorted, value-free files whose triage survives an update (detect-secrets merge)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmscan.baseline import (
    BaselineError,
    dumps,
    from_findings,
    load,
    merge,
    save,
    split,
    triage,
)
from crmscan.model import Finding, ScanError, ScanResult, ScanSettings


def _f(rule: str, table: str, column: str | None, level: str = "high", source: str = "db") -> Finding:
    return Finding(rule, level, f"title {rule}", f"{table}.{column} message", source, table, column)


A = _f("POL006", "customers", "ssn")
B = _f("POL005", "customers", "email")
C = _f("POL002", "orders", "card_number", "critical")


def _result(
    findings: list[Finding], sources: tuple[str, ...] = ("db",), errors: list[ScanError] | None = None
) -> ScanResult:
    return ScanResult("0", "t", "t", list(sources), ScanSettings(), findings=findings, errors=errors or [])


def test_file_is_sorted_versioned_and_has_no_timestamps(tmp_path: Path) -> None:
    text = dumps(from_findings([C, A, B]))
    doc = json.loads(text)
    assert doc["version"] == 1 and text.endswith("}\n")
    assert [(e["table"], e["column"]) for e in doc["findings"]] == [
        ("customers", "email"),
        ("customers", "ssn"),
        ("orders", "card_number"),
    ]
    assert set(doc["findings"][0]) == {
        "fingerprint",
        "rule_id",
        "level",
        "source",
        "table",
        "column",
        "title",
        "status",
        "reason",
        "by",
        "at",
    }
    assert all(e["at"] is None for e in doc["findings"])
    assert text == dumps(from_findings([B, C, A]))  # order of findings never matters
    path = tmp_path / "b.json"
    save(from_findings([A, B, C]), path)
    assert path.read_text(encoding="utf-8") == text
    assert dumps(load(path)) == text  # round trip is byte-identical


def test_split_suppresses_what_the_baseline_lists() -> None:
    baseline = from_findings([A])
    new, suppressed = split([A, B], baseline)
    assert new == [B] and [f for f, _ in suppressed] == [A]


def test_triage_survives_update_and_new_findings_are_added(tmp_path: Path) -> None:
    baseline = from_findings([A, B])
    triage(
        baseline,
        A.fingerprint[:8],
        status="accepted",
        reason="tokenised by the app",
        by="alice",
        at="2026-11-30",
    )
    triage(baseline, B.fingerprint, status="false_positive", reason="test data", by="bob", at="2026-12-01")
    updated, counts = merge(baseline, _result([A, C]))
    assert counts == {"added": 1, "kept": 1, "removed": 1, "unscanned": 0}
    entry = updated.get(A.fingerprint)
    assert entry is not None and (entry.status, entry.reason, entry.by, entry.at) == (
        "accepted",
        "tokenised by the app",
        "alice",
        "2026-11-30",
    )
    assert B.fingerprint not in updated and updated.get(C.fingerprint).status is None  # type: ignore[union-attr]


def test_update_refreshes_level_but_keeps_triage() -> None:
    baseline = from_findings([A])
    triage(baseline, A.fingerprint, status="accepted", reason="ok", by="alice", at="2026-11-30")
    worse = _f("POL006", "customers", "ssn", level="critical")
    updated, _ = merge(baseline, _result([worse]))
    entry = updated.get(A.fingerprint)
    assert entry is not None and entry.level == "critical" and entry.status == "accepted"


def test_update_keeps_entries_where_the_scan_could_not_look() -> None:
    other = _f("POL001", "users", "password", source="other.db")
    failed_table = _f("POL004", "payments", "cvv")
    failed_source = _f("POL001", "users", "password", source="down.db")
    baseline = from_findings([A, other, failed_table, failed_source])
    errors = [ScanError("db", "payments", "schema", "boom"), ScanError("down.db", None, "open", "refused")]
    updated, counts = merge(baseline, _result([A], sources=("db", "down.db"), errors=errors))
    assert set(updated.entries) == {
        A.fingerprint,
        other.fingerprint,
        failed_table.fingerprint,
        failed_source.fingerprint,
    }
    assert counts["unscanned"] == 3 and counts["removed"] == 0


def test_triage_adds_a_new_finding_from_a_report_only_that_one() -> None:
    baseline = from_findings([A])
    entry = triage(
        baseline,
        C.fingerprint[:10],
        status="accepted",
        reason="vault migration CRM-9",
        by="carol",
        at="2026-11-30",
        known=[B, C],
    )
    assert entry.fingerprint == C.fingerprint and entry.table == "orders"
    assert set(baseline.entries) == {A.fingerprint, C.fingerprint}


@pytest.mark.parametrize(
    ("fingerprint", "kwargs", "message"),
    [
        ("zzzzzz", {}, "6 to 32 hex digits"),
        ("abcdef", {}, "no such finding in the baseline; pass --report"),
        (None, {"status": "wontfix"}, "choose accepted or false_positive"),
        (None, {"reason": "  "}, "say why"),
    ],
)
def test_triage_errors(fingerprint: str | None, kwargs: dict[str, str], message: str) -> None:
    baseline = from_findings([A])
    args = {"status": "accepted", "reason": "r", "by": "x", "at": "2026-11-30", **kwargs}
    with pytest.raises(BaselineError, match=message):
        triage(baseline, fingerprint or A.fingerprint, **args)  # type: ignore[arg-type]


def test_ambiguous_prefix_is_refused() -> None:
    seen: dict[str, Finding] = {}
    for i in range(200_000):  # two fingerprints sharing 6 hex digits turn up after ~5,000 on average
        f = _f("POL001", "t", f"c{i}")
        if f.fingerprint[:6] in seen:
            break
        seen[f.fingerprint[:6]] = f
    baseline = from_findings([seen[f.fingerprint[:6]], f])
    with pytest.raises(BaselineError, match="matches 2 findings; give more digits"):
        triage(baseline, f.fingerprint[:6], status="accepted", reason="r", by="x", at="2026-11-30")


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(doc, indent=2) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


def _entry(**over: object) -> dict[str, object]:
    entry = json.loads(dumps(from_findings([A])))["findings"][0]
    entry.update(over)
    return entry


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('{"version": 1, "findings": [\n  {"oops": }\n]}', r"baseline\.json:2: not valid JSON"),
        ({"findings": []}, r"baseline\.json: not a crmscan baseline"),
        ({"version": 9, "findings": []}, r"baseline version 9 is not supported"),
        (
            {"version": 1, "findings": [_entry(status="wontfix", reason="x")]},
            r"baseline\.json:\d+: entry 1 \(fingerprint [0-9a-f]{12}…\): field 'status'",
        ),
        (
            {"version": 1, "findings": [_entry(status="accepted")]},
            r"field '\(entry\)': status 'accepted' needs a reason",
        ),
        ({"version": 1, "findings": [_entry(table="other")]}, r"fingerprint does not match"),
        ({"version": 1, "findings": [_entry(colour="red")]}, r"field 'colour': unknown field"),
        ({"version": 1, "findings": [_entry(at="yesterday", status="accepted", reason="r")]}, r"field 'at'"),
        (
            {"version": 1, "findings": [_entry(), _entry()]},
            r"baseline\.json:\d+: entry 2: fingerprint [0-9a-f]{12}… is listed twice",
        ),
    ],
)
def test_malformed_baseline_is_one_clear_line(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(BaselineError) as info:
        load(_write(tmp_path, doc))
    assert "\n" not in str(info.value)
    assert __import__("re").search(message, str(info.value)), str(info.value)


def test_missing_baseline_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="crmscan baseline create"):
        load(tmp_path / "none.json")


def test_hand_triaged_entry_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "version": 1,
            "findings": [_entry(status="false_positive", reason="demo data", by="d", at="2026-01-02")],
        },
    )
    entry = load(path).get(A.fingerprint)
    assert entry is not None and entry.status == "false_positive" and entry.triaged
