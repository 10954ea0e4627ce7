"""No raw sensitive value reaches a report: scan the demo, grep every report for every raw value.

The raw values are read straight from the demo sources (SQLite and the CSV exports, decoded with their
own encodings), independently of crmscan's connectors, for every column the ground truth labels
sensitive. Values shorter than 5 characters are skipped: "F", "O+" or a CVV "123" also occur in
counts and labels by coincidence.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest
import yaml

from crmscan.cli.run import ScanOptions, execute
from crmscan.report.base import OutputFormat

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_crm"
MIN_LEN = 5
ENCODINGS = {"客户名单_gbk.csv": "gbk", "hubspot_contacts.csv": "utf-8-sig"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("reports")
    execute(
        ScanOptions(
            sources=[str(DEMO / "crm.sqlite"), str(DEMO / "exports")],
            out=out,
            formats=list(OutputFormat),
            quiet=True,
        )
    )
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}


def _sensitive_values() -> set[str]:
    labels = yaml.safe_load((DEMO / "expected_labels.yaml").read_text(encoding="utf-8"))
    values: set[str] = set()
    con = sqlite3.connect(f"file:{DEMO / 'crm.sqlite'}?mode=ro", uri=True)
    try:
        for table, columns in labels["crm.sqlite"].items():
            for column, label in columns.items():
                if label["categories"]:
                    for (value,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"'):  # noqa: S608
                        values.add(str(value))
    finally:
        con.close()
    for source, tables in labels.items():
        if not source.startswith("exports/"):
            continue
        path = DEMO / source
        with path.open(encoding=ENCODINGS.get(path.name, "utf-8"), newline="") as fh:
            rows = list(csv.DictReader(fh))
        for column, label in tables[""].items():
            if label["categories"]:
                values.update(row[column] for row in rows)
    return {v.strip() for v in values if v is not None and len(v.strip()) >= MIN_LEN}


def _leaked(values: set[str], text: str) -> list[str]:
    """Values found in *text*; digit-only values must stand alone (a postcode inside a fingerprint or
    inside the figure 113000 is a coincidence, not a leak)."""
    tokens = set(re.findall(r"(?<![0-9A-Za-z])\d+(?![0-9A-Za-z])", text))
    return sorted(v for v in values if (v in tokens if v.isdigit() else v in text))


def test_no_raw_sensitive_value_in_any_report(reports: dict[str, str]) -> None:
    values = _sensitive_values()
    assert len(values) > 5000  # the check is only as good as the values it looks for
    assert set(reports) == {f"report.{ext}" for ext in ("json", "html", "md", "sarif", "junit.xml")}
    for name, text in reports.items():
        leaked = _leaked(values, text)
        assert not leaked, f"{name} contains {len(leaked)} raw sensitive values"


def test_json_report_validates_against_schema(reports: dict[str, str]) -> None:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(reports["report.json"]))


def test_same_input_same_json_apart_from_timestamps(reports: dict[str, str], tmp_path: Path) -> None:
    execute(
        ScanOptions(
            sources=[str(DEMO / "crm.sqlite"), str(DEMO / "exports")],
            out=tmp_path,
            formats=list(OutputFormat),
            quiet=True,
        )
    )
    first = json.loads(reports["report.json"])
    second = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    for doc in (first, second):
        doc["scan"]["started"] = doc["scan"]["finished"] = "T"
    assert first == second
