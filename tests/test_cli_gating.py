"""``crmscan scan`` as a CI gate: --fail-on, --fail-on-error, --policy, --baseline and their exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "policies"


def crmscan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CRMSCAN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "crmscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture()
def crm(tmp_path: Path) -> Path:
    """A small CRM: a card number outside a PCI table (POL002, high) and a CVV column (POL004, critical)."""
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE contacts (id INTEGER, email TEXT, full_name TEXT, status TEXT)")
        con.execute("CREATE TABLE payments (id INTEGER, card_number TEXT, cvv TEXT)")
    return db


FAST = ("--schema-only", "--nlp-model", "none", "--format", "json")


def _scan(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return crmscan("scan", str(db), "--out", str(out), *FAST, *extra)


@pytest.mark.parametrize(("threshold", "expected"), [(None, 0), ("critical", 1), ("high", 1), ("low", 1)])
def test_fail_on_threshold(crm: Path, tmp_path: Path, threshold: str | None, expected: int) -> None:
    args = ("--fail-on", threshold) if threshold else ()
    out = _scan(crm, tmp_path / "r", "-q", *args)
    assert out.returncode == expected, out.stderr
    if expected:
        assert "POL004 payments.cvv" in out.stderr and "FAILED" in out.stderr
        assert ("POL002 payments.card_number" in out.stderr) == (threshold != "critical")
    assert "Traceback" not in out.stderr


def test_passes_when_findings_are_below_threshold(tmp_path: Path) -> None:
    db = tmp_path / "ok.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE contacts (id INTEGER, email TEXT)")
    grants = tmp_path / "grants.yaml"
    grants.write_text(
        "version: 1\nprincipals:\n  - name: analyst\n    kind: role\n    can_read: ['*']\n", encoding="utf-8"
    )
    out = _scan(db, tmp_path / "r", "--fail-on", "low", "--grants", str(grants))
    assert out.returncode == 0, out.stderr
    assert "PASSED: no finding at or above --fail-on low" in out.stderr


def test_bad_fail_on_is_a_usage_error(crm: Path, tmp_path: Path) -> None:
    out = _scan(crm, tmp_path / "r", "--fail-on", "severe")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "--fail-on: unknown level 'severe'" in out.stderr


@pytest.mark.parametrize("name", ["unknown_field", "bad_yaml", "unknown_tag"])
def test_malformed_policy_file_fails_before_scanning(crm: Path, tmp_path: Path, name: str) -> None:
    path = DATA / "bad" / f"{name}.yaml"
    out = _scan(crm, tmp_path / "r", "--policy", str(path))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(f"crmscan: error: {path}:")
    assert "Traceback" not in out.stderr and not (tmp_path / "r").exists()


def test_team_policy_file_applies(crm: Path, tmp_path: Path) -> None:
    out = _scan(crm, tmp_path / "r", "-q", "--policy", str(DATA / "team.yaml"))
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert {f["rule_id"] for f in doc["findings"]} >= {"POL002", "POL004"}


def test_incomplete_scan_exit_3_only_with_fail_on_error(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "good.csv").write_text("city\nLisbon\nPorto\n", encoding="utf-8")
    (exports / "broken.xlsx").write_bytes(b"not a workbook")
    args = (
        "scan",
        str(exports),
        "--out",
        str(tmp_path / "r"),
        "--format",
        "json",
        "--nlp-model",
        "none",
        "-q",
    )
    assert crmscan(*args).returncode == 0
    out = crmscan(*args, "--fail-on-error")
    assert out.returncode == 3 and "INCOMPLETE" in out.stderr


def test_baseline_suppresses_known_findings_and_reports_them(crm: Path, tmp_path: Path) -> None:
    baseline = tmp_path / ".crmscan" / "baseline.json"
    made = crmscan(
        "baseline", "create", str(crm), "--out", str(baseline), "--schema-only", "--nlp-model", "none"
    )
    assert made.returncode == 0, made.stderr
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert {e["rule_id"] for e in entries} >= {"POL002", "POL004"}
    out = _scan(
        crm, tmp_path / "r", "--fail-on", "low", "--baseline", str(baseline), "--format", "json,sarif,junit"
    )
    assert out.returncode == 0, out.stderr
    assert f"suppressed by baseline {baseline.as_posix()}" in out.stderr
    doc = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert doc["findings"] == []
    suppressed_rules = {s["finding"]["rule_id"] for s in doc["baseline"]["suppressed"]}
    assert suppressed_rules >= {"POL002", "POL004"}
    # The risk summary describes the reported findings only: accepted risk findings leave it too.
    assert any(rule.startswith("RSK") for rule in suppressed_rules)
    assert doc["risk"]["findings"] == [] and doc["risk"]["top_risks"] == []
    assert sum(doc["risk"]["overall"]["findings_by_level"].values()) == 0
    _validate_report(doc)
    sarif = json.loads((tmp_path / "r" / "report.sarif").read_text(encoding="utf-8"))
    assert all(r.get("suppressions") for r in sarif["runs"][0]["results"])


def test_baseline_create_refuses_to_overwrite_and_update_needs_a_file(crm: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text("{}", encoding="utf-8")
    out = crmscan("baseline", "create", str(crm), "--out", str(baseline), "--schema-only")
    assert out.returncode == 2 and "baseline exists; use `crmscan baseline update`" in out.stderr
    out = crmscan("baseline", "update", str(crm), "--out", str(tmp_path / "none.json"), "--schema-only")
    assert out.returncode == 2 and "no such baseline" in out.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": 1, "findings": [\n  {"a": }]}', ":2: not valid JSON"),
        ('{"version": 1, "findings": [{"fingerprint": "x"}]}', "entry 1"),
    ],
)
def test_malformed_baseline_is_one_line_exit_2(crm: Path, tmp_path: Path, content: str, message: str) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text(content, encoding="utf-8")
    out = _scan(crm, tmp_path / "r", "--baseline", str(baseline))
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert message in out.stderr and "Traceback" not in out.stderr


def test_triage_cli_accepts_one_new_finding_from_the_report(crm: Path, tmp_path: Path) -> None:
    empty = tmp_path / "b.json"
    empty.write_text('{"findings": [], "version": 1}\n', encoding="utf-8")
    out = _scan(crm, tmp_path / "r", "-q", "--fail-on", "critical", "--baseline", str(empty))
    assert out.returncode == 1
    doc = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    # every finding on payments.cvv (POL004, and whatever the risk engine raises on it) is accepted
    cvv = sorted((f for f in doc["findings"] if f["column"] == "cvv"), key=lambda f: f["rule_id"])
    assert "POL004" in [f["rule_id"] for f in cvv]
    for f in cvv:
        triaged = crmscan(
            "baseline",
            "triage",
            str(empty),
            f["fingerprint"][:10],
            "--reason",
            "column is always NULL (PAY-7)",
            "--by",
            "alice",
            "--at",
            "2026-11-30",
            "--report",
            str(tmp_path / "r" / "report.json"),
        )
        assert triaged.returncode == 0, triaged.stderr
        assert f"{f['rule_id']} payments.cvv" in triaged.stdout and "marked accepted" in triaged.stdout
    entries = json.loads(empty.read_text(encoding="utf-8"))["findings"]
    assert {(e["rule_id"], e["column"], e["status"], e["by"], e["at"]) for e in entries} == {
        (f["rule_id"], "cvv", "accepted", "alice", "2026-11-30") for f in cvv
    }
    out = _scan(crm, tmp_path / "r", "-q", "--fail-on", "high", "--baseline", str(empty))
    assert (
        out.returncode == 1
        and "POL002 payments.card_number" in out.stderr
        and "payments.cvv" not in out.stderr
    )
    card = [f for f in doc["findings"] if f["column"] != "cvv" and f["level"] == "critical"]
    if not card:  # nothing else is critical: accepting the cvv findings passes a critical gate
        out = _scan(crm, tmp_path / "r", "-q", "--fail-on", "critical", "--baseline", str(empty))
        assert out.returncode == 0, out.stderr


def test_policy_commands() -> None:
    listed = crmscan("policy", "list")
    assert listed.returncode == 0 and "POL001" in listed.stdout and "POL004" in listed.stdout
    checked = crmscan("policy", "check", str(DATA / "team.yaml"))
    assert checked.returncode == 0 and checked.stdout.startswith("OK: ")
    bad = crmscan("policy", "check", str(DATA / "bad" / "bad_severity.yaml"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def _validate_report(doc: dict[str, Any]) -> None:
    """The JSON report validates against schemas/report.schema.json, with the ``baseline`` section."""
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
