"""The pipeline confines failures to their table and honours schema-only and table selection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from crmscan.model import ColumnInfo, RowCount, ScanSettings, TableRef
from crmscan.scan import _scan_table, run_scan


def _crm(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (id INTEGER, email TEXT, phone TEXT)")
    con.executemany(
        "INSERT INTO contacts VALUES (?, ?, ?)",
        [(i, f"user{i}@example.com", f"+1 415 555 {1000 + i:04d}") for i in range(50)],
    )
    con.execute("CREATE TABLE products (sku TEXT, price REAL)")
    con.execute("INSERT INTO products VALUES ('A-1', 9.5)")
    con.commit()
    con.close()
    return path


def test_include_and_exclude(tmp_path: Path, classifier) -> None:
    db = _crm(tmp_path / "crm.db")
    result = run_scan([str(db)], ScanSettings(include=("con*",)), classifier)
    assert [t.ref.name for t in result.tables] == ["contacts"]
    result = run_scan([str(db)], ScanSettings(exclude=("contacts",)), classifier)
    assert [t.ref.name for t in result.tables] == ["products"]


def test_schema_only_reads_no_rows(tmp_path: Path, classifier) -> None:
    db = _crm(tmp_path / "crm.db")
    result = run_scan([str(db)], ScanSettings(schema_only=True), classifier)
    contacts = next(t for t in result.tables if t.ref.name == "contacts")
    assert contacts.sampled_rows == 0 and contacts.row_count.value is None
    email = next(c for c in contacts.columns if c.name == "email")
    assert email.categories == ["pii"] and email.entities[0].basis == "name"


class _Flaky:
    """A connector whose sample fails for one table, as a dropped or locked table would."""

    label = "flaky"

    def tables(self) -> list[TableRef]:
        return [TableRef("flaky", "ok"), TableRef("flaky", "broken")]

    def columns(self, table: TableRef) -> list[ColumnInfo]:
        return [ColumnInfo("email", "string")]

    def row_count(self, table: TableRef) -> RowCount:
        return RowCount(3, True, "count")

    def sample(self, table: TableRef, n: int, seed: int) -> pd.DataFrame:
        if table.name == "broken":
            raise RuntimeError("permission denied for value 'jane@example.com'")
        return pd.DataFrame({"email": ["a@example.com", "b@example.org", "c@example.net"]})

    def close(self) -> None:
        pass


def test_a_failing_sample_is_recorded_and_the_table_still_classified_by_name(classifier) -> None:
    connector = _Flaky()
    outcome = _scan_table(connector, TableRef("flaky", "broken"), ScanSettings(), classifier)
    assert outcome.table is not None and outcome.table.columns[0].categories == ["pii"]
    [error] = outcome.errors
    assert error.stage == "sample" and error.table == "broken"
    assert "jane@example.com" not in error.message and "RuntimeError" in error.message


def test_unopenable_source_is_an_error_not_a_crash(tmp_path: Path, classifier) -> None:
    db = _crm(tmp_path / "crm.db")
    result = run_scan(["postgresql://auditor:s3cret@127.0.0.1:1/nope", str(db)], ScanSettings(), classifier)
    assert {t.ref.name for t in result.tables} == {"contacts", "products"}
    assert result.errors and all(
        "s3cret" not in e.message and "s3cret" not in e.source for e in result.errors
    )
    assert all("s3cret" not in s for s in result.sources)
