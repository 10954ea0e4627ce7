"""``crmscan diff``: columns, read paths, findings and risk between two reports; text, Markdown, JSON."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crmscan.diff import MARKER, compare, has_changes, to_markdown
from crmscan.report.document import build_document
from crmscan.report.fixtures import sample_scan_result


@pytest.fixture(scope="module")
def old_doc() -> dict[str, Any]:
    return build_document(sample_scan_result())


def _column(doc: dict[str, Any], table: str, column: str) -> dict[str, Any]:
    t = next(t for t in doc["tables"] if t["name"] == table)
    return next(c for c in t["columns"] if c["name"] == column)


def _changed(old: dict[str, Any]) -> dict[str, Any]:
    """The 'after' scan: one new sensitive column, one retyped, one no longer sensitive, new readers."""
    new = copy.deepcopy(old)
    contacts = next(t for t in new["tables"] if t["name"] == "public.contacts")
    ssn = copy.deepcopy(_column(new, "public.contacts", "email"))
    ssn.update(
        name="ssn",
        categories=["pii"],
        sensitivity="high",
        entities=[{**ssn["entities"][0], "type": "US_SSN"}],
    )
    ssn["readers"] = [
        {**ssn["readers"][0], "principal": "PUBLIC", "kind": "public", "third_party": False, "via": []}
    ]
    contacts["columns"].append(ssn)
    _column(new, "public.contacts", "phone").update(sensitivity="high", protection="masked")
    created = _column(new, "public.contacts", "date_of_birth")
    created.update(categories=[], entities=[], sensitivity="none")
    email = _column(new, "public.contacts", "email")
    email["readers"].append(
        {
            **email["readers"][0],
            "principal": "bi_agency",
            "kind": "third_party",
            "third_party": True,
            "via": ["bi"],
        }
    )
    gone = new["findings"].pop(0)
    new["findings"].append(
        {
            **gone,
            "fingerprint": "f" * 32,
            "rule_id": "POL005",
            "level": "high",
            "column": "ssn",
            "message": "public.contacts.ssn is readable by PUBLIC",
            "location": {"file": "migrations/002.sql", "line": 4},
        }
    )
    new["findings"][0] = {**new["findings"][0], "level": "low", "score": 12.0}
    if isinstance(new["risk"], dict) and "overall" in new["risk"]:
        new["risk"]["overall"] = {**new["risk"]["overall"], "score": 99.9}
    return new


def test_nothing_changed(old_doc: dict[str, Any]) -> None:
    diff = compare(old_doc, copy.deepcopy(old_doc))
    assert not has_changes(diff)
    assert "No privacy-relevant changes" in to_markdown(diff)


def test_changes_are_found(old_doc: dict[str, Any]) -> None:
    diff = compare(old_doc, _changed(old_doc))
    added = diff["columns"]["added"]
    assert [(c["table"], c["column"], c["was"]) for c in added] == [("public.contacts", "ssn", "absent")]
    assert [(c["column"], c["now"]) for c in diff["columns"]["removed"]] == [
        ("date_of_birth", "not sensitive")
    ]
    (changed,) = diff["columns"]["changed"]
    assert changed["column"] == "phone" and set(changed["changes"]) == {"sensitivity", "protection"}
    paths = {(p["column"], p["principal"]) for p in diff["read_paths"]["added"]}
    assert paths == {("ssn", "PUBLIC"), ("email", "bi_agency")}
    assert diff["read_paths"]["removed"] == []  # same readers; the column is listed as no longer sensitive
    assert [f["rule_id"] for f in diff["findings"]["new"]] == ["POL005"]
    assert len(diff["findings"]["resolved"]) == 1
    (moved,) = diff["findings"]["changed"]
    assert moved["changes"]["level"][1] == "low" and moved["changes"]["score"][1] == 12.0
    if "overall" in old_doc["risk"]:
        assert any(r["path"] == "overall.score" for r in diff["risk"])


def test_markdown_is_a_pr_comment(old_doc: dict[str, Any]) -> None:
    md = to_markdown(compare(old_doc, _changed(old_doc)))
    assert md.startswith(MARKER)
    for heading in (
        "New findings",
        "New sensitive columns",
        "New read paths",
        "Changed sensitive columns",
        "Resolved findings",
    ):
        assert f"#### {heading}" in md
    assert "| **high** | POL005 | `public.contacts.ssn` |" in md and "`migrations/002.sql:4`" in md
    # every table row has as many cells as its header
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({r.count(" | ") for r in rows if not r.startswith("|---")}) == 1, block


def test_markdown_escapes_pipes_and_newlines() -> None:
    from crmscan.diff import _cell

    assert _cell("a|b\nc") == "a\\|b c"


def test_suppressed_findings_count_as_present(old_doc: dict[str, Any]) -> None:
    new = copy.deepcopy(old_doc)
    moved = new["findings"].pop()
    new["baseline"] = {"file": "b.json", "suppressed": [{"finding": moved, "triage": {"status": "accepted"}}]}
    assert not has_changes(compare(old_doc, new))


def test_single_sources_with_different_labels_are_paired(old_doc: dict[str, Any]) -> None:
    def relabel(doc: dict[str, Any], label: str) -> dict[str, Any]:
        doc = copy.deepcopy(doc)
        doc["tables"] = [t for t in doc["tables"] if t["source"] == "crm_db"]
        doc["findings"] = [f for f in doc["findings"] if f["source"] == "crm_db"]
        doc["scan"]["sources"] = [label]
        for t in doc["tables"]:
            t["source"] = label
        for f in doc["findings"]:
            f["source"] = label
        return doc

    diff = compare(relabel(old_doc, "prod.db"), relabel(old_doc, "staging.db"))
    assert diff["paired_sources"] == [{"old": "prod.db", "new": "staging.db"}]
    assert not has_changes(diff)


# -- the command ---------------------------------------------------------------------------------------


def _crmscan(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    env.pop("CRMSCAN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "crmscan", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_formats(old_doc: dict[str, Any], tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(old_doc), encoding="utf-8")
    new.write_text(json.dumps(_changed(old_doc)), encoding="utf-8")
    text = _crmscan("diff", str(old), str(new))
    assert text.returncode == 0, text.stderr
    assert "New findings" in text.stdout and "public.contacts" in text.stdout
    md = _crmscan("diff", str(old), str(new), "--format", "md", "--out", str(tmp_path / "d.md"))
    assert md.returncode == 0 and (tmp_path / "d.md").read_text(encoding="utf-8").startswith(MARKER)
    js = _crmscan("diff", str(old), str(new), "--format", "json")
    assert json.loads(js.stdout)["summary"]["findings_new"] == 1
    assert js.stdout == _crmscan("diff", str(old), str(new), "--format", "json").stdout
    gate = _crmscan("diff", str(old), str(new), "--format", "json", "--fail-on", "high")
    assert gate.returncode == 1
    assert _crmscan("diff", str(old), str(new), "--format", "json", "--fail-on", "critical").returncode == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such report"),
        ("{not json", "not valid JSON"),
        ('{"schema_version": "2.0", "tables": [], "findings": [], "scan": {}}', "not a crmscan JSON report"),
        ('{"schema_version": "1.0", "findings": [], "scan": {}}', "without 'tables'"),
    ],
)
def test_cli_bad_reports_are_one_line(
    tmp_path: Path, old_doc: dict[str, Any], content: str | None, message: str
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(old_doc), encoding="utf-8")
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    out = _crmscan("diff", str(bad), str(good))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr and "Traceback" not in out.stderr


def test_cli_unknown_format(tmp_path: Path, old_doc: dict[str, Any]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(old_doc), encoding="utf-8")
    out = _crmscan("diff", str(good), str(good), "--format", "html")
    assert out.returncode == 2 and "unknown format 'html'" in out.stderr
