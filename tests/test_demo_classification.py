"""The classifier on the bundled demo CRM: every column's expected categories, as an auditor labelled them.

Ground truth lives in examples/demo_crm/expected_labels.yaml (hand-written, with the reasoning for
debatable columns). A column passes when its categories equal the label (primary category first) or
one of the label's ``acceptable`` alternatives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crmscan.model import ScanResult, ScanSettings

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo_crm"


@pytest.fixture(scope="session")
def demo_scan(nlp_classifier) -> ScanResult:
    from crmscan.scan import run_scan

    return run_scan(
        [str(DEMO / "crm.sqlite"), str(DEMO / "exports")], ScanSettings(nlp_model="auto"), nlp_classifier
    )


def _labels() -> list[tuple[str, str, str, dict]]:
    data = yaml.safe_load((DEMO / "expected_labels.yaml").read_text(encoding="utf-8"))
    rows = []
    for source, tables in data.items():
        for table, columns in tables.items():
            name = table if table else Path(source).name
            for column, label in columns.items():
                rows.append((source, name, column, label))
    return rows


LABELS = _labels()


def _matches(predicted: list[str], label: dict) -> bool:
    options = [label["categories"], *label.get("acceptable", [])]
    for expected in options:
        if set(predicted) == set(expected) and (not expected or predicted[0] == expected[0]):
            return True
    return False


@pytest.mark.parametrize(
    ("source", "table", "column", "label"), LABELS, ids=[f"{s}:{t}.{c}" for s, t, c, _ in LABELS]
)
def test_demo_column_category(
    demo_scan: ScanResult, source: str, table: str, column: str, label: dict
) -> None:
    tables = {t.ref.name: t for t in demo_scan.tables}
    assert table in tables, f"{table} was not scanned; errors: {demo_scan.errors}"
    columns = {c.name: c for c in tables[table].columns}
    result = columns[column]
    assert _matches(result.categories, label), (
        f"{table}.{column}: predicted {result.categories}, expected {label['categories']}"
        f" (acceptable {label.get('acceptable', [])}); evidence: {[e.detail for e in result.evidence]}"
    )


def test_demo_scan_has_no_errors(demo_scan: ScanResult) -> None:
    assert demo_scan.errors == []
