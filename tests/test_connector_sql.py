"""SqlConnector on SQLite: catalog, counts, seeded sampling, read-only sessions, hostile names, errors.

Everything runs against real SQLite files built per test; the server dialects are covered by
test_connector_sql_servers.py with the same expectations.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmscan.connectors import sql_sqlite
from crmscan.connectors.base import Connector
from crmscan.connectors.registry import open_source
from crmscan.connectors.sql import SqlConnector, _safe, normalise_url, redacted_label
from crmscan.connectors.sql_sampling import probe_integer_keys, subsample
from crmscan.connectors.sql_types import DATA_TYPES, normalise_type
from crmscan.errors import ConnectorError, UsageError

HOSTILE = 'x"; DROP TABLE contacts; --'
ROWS = 500


@pytest.fixture
def crm_db(tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    con = sqlite3.connect(path)
    con.executescript(
        f"""
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY, full_name VARCHAR(120) NOT NULL, email TEXT, phone varchar(20),
            score REAL, balance NUMERIC(10, 2), born DATE, updated_at DATETIME, active BOOLEAN,
            photo BLOB, prefs JSON, notes);
        CREATE TABLE leads (id INTEGER PRIMARY KEY, email TEXT);
        CREATE TABLE empty_table (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE tags (tag TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID;
        CREATE VIEW v_contacts AS SELECT id, full_name, email FROM contacts;
        CREATE TABLE doomed (a INTEGER);
        CREATE VIEW broken_view AS SELECT a FROM doomed;
        DROP TABLE doomed;
        CREATE TABLE "{HOSTILE.replace('"', '""')}" (id INTEGER PRIMARY KEY, "we""ird col" TEXT);
        INSERT INTO "{HOSTILE.replace('"', '""')}" ("we""ird col") VALUES ('one'), ('two');
        """
    )
    con.executemany(
        "INSERT INTO contacts (full_name, email, phone, score) VALUES (?, ?, ?, ?)",
        [(f"Person {i}", f"p{i}@example.com", f"+1555{i:07d}", i / 2) for i in range(ROWS)],
    )
    con.executemany("INSERT INTO leads (email) VALUES (?)", [(f"l{i}@example.com",) for i in range(40)])
    con.executemany("INSERT INTO tags VALUES (?, ?)", [(f"t{i:03d}", f"Tag {i}") for i in range(300)])
    con.commit()
    con.close()
    return path


@pytest.fixture
def connector(crm_db: Path) -> SqlConnector:
    conn = SqlConnector(f"sqlite:///{crm_db}")
    yield conn
    conn.close()


def _ref(connector: SqlConnector, name: str):
    return next(t for t in connector.tables() if t.name == name)


def test_is_a_connector(connector: SqlConnector) -> None:
    assert isinstance(connector, Connector)
    assert connector.dialect == "sqlite"
    assert connector.grants() is None  # SQLite has no GRANT; access is the file's permissions


def test_tables_sorted_with_views_and_no_schema(connector: SqlConnector) -> None:
    tables = connector.tables()
    assert [(t.name, t.kind) for t in tables] == [
        ("broken_view", "view"),
        ("contacts", "table"),
        ("empty_table", "table"),
        ("leads", "table"),
        ("tags", "table"),
        ("v_contacts", "view"),
        (HOSTILE, "table"),
    ]
    assert {t.schema for t in tables} == {None}
    assert {t.source for t in tables} == {connector.label}


def test_columns_types_and_no_comments(connector: SqlConnector) -> None:
    cols = connector.columns(_ref(connector, "contacts"))
    assert [(c.name, c.data_type, c.native_type) for c in cols] == [
        ("id", "integer", "INTEGER"),
        ("full_name", "string", "VARCHAR(120)"),
        ("email", "string", "TEXT"),
        ("phone", "string", "varchar(20)"),
        ("score", "float", "REAL"),
        ("balance", "decimal", "NUMERIC(10, 2)"),
        ("born", "date", "DATE"),
        ("updated_at", "datetime", "DATETIME"),
        ("active", "boolean", "BOOLEAN"),
        ("photo", "binary", "BLOB"),
        ("prefs", "json", "JSON"),
        ("notes", "unknown", ""),
    ]
    assert all(c.comment is None for c in cols)  # SQLite has no column comments
    assert cols[1].nullable is False and cols[2].nullable is True


def test_row_counts_are_exact(connector: SqlConnector) -> None:
    counts = {t.name: connector.row_count(t) for t in connector.tables() if t.name != "broken_view"}
    assert (
        counts["contacts"].value == ROWS and counts["contacts"].exact and counts["contacts"].method == "count"
    )
    assert counts["empty_table"].value == 0
    assert counts["v_contacts"].value == ROWS
    assert counts["tags"].value == 300


def test_sample_is_seeded_reproducible_and_not_the_first_rows(connector: SqlConnector) -> None:
    ref = _ref(connector, "contacts")
    first = connector.sample(ref, 50, seed=7)
    again = connector.sample(ref, 50, seed=7)
    other = connector.sample(ref, 50, seed=8)
    assert list(first.columns) == [c.name for c in connector.columns(ref)]
    assert len(first) == 50 and first["id"].is_unique
    pd.testing.assert_frame_equal(first, again)
    assert set(first["id"]) != set(other["id"])
    assert sorted(first["id"]) != list(range(1, 51))
    assert first["id"].max() > ROWS / 2  # drawn from the whole table, not its head


def test_sample_keeps_values_exact(connector: SqlConnector) -> None:
    sample = connector.sample(_ref(connector, "contacts"), 5, seed=1)
    assert all(str(dtype) == "object" for dtype in sample.dtypes)  # no float coercion of ids or phone numbers
    assert all(isinstance(v, str) and v.startswith("+1555") for v in sample["phone"])


def test_sample_smaller_table_returns_every_row(connector: SqlConnector) -> None:
    assert len(connector.sample(_ref(connector, "leads"), 1000, seed=1)) == 40
    empty = connector.sample(_ref(connector, "empty_table"), 10, seed=1)
    assert empty.empty and list(empty.columns) == ["id", "v"]
    assert connector.sample(_ref(connector, "leads"), 0, seed=1).empty


@pytest.mark.parametrize("name", ["v_contacts", "tags"])
def test_sample_views_and_without_rowid_tables(connector: SqlConnector, name: str) -> None:
    ref = _ref(connector, name)
    first = connector.sample(ref, 20, seed=3)
    assert len(first) == 20
    pd.testing.assert_frame_equal(first, connector.sample(ref, 20, seed=3))
    assert not first.equals(connector.sample(ref, 20, seed=4))


def test_big_table_probes_rowids(connector: SqlConnector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_sqlite, "SMALL_TABLE_ROWS", 100)  # treat 500 rows as "big"
    ref = _ref(connector, "contacts")
    first = connector.sample(ref, 60, seed=11)
    assert len(first) == 60 and first["id"].is_unique
    pd.testing.assert_frame_equal(first, connector.sample(ref, 60, seed=11))
    assert first["id"].min() < 100 and first["id"].max() > 400


def test_write_through_the_connection_fails(connector: SqlConnector, crm_db: Path) -> None:
    with connector.connection() as conn, pytest.raises(Exception, match="readonly|read-only"):
        conn.exec_driver_sql("INSERT INTO leads (email) VALUES ('x@example.com')")
    with connector.connection() as conn, pytest.raises(Exception, match="readonly|read-only"):
        conn.exec_driver_sql("DROP TABLE leads")
    assert sqlite3.connect(crm_db).execute("SELECT count(*) FROM leads").fetchone() == (40,)


def test_hostile_table_name_is_only_a_name(connector: SqlConnector, crm_db: Path) -> None:
    ref = _ref(connector, HOSTILE)
    assert [c.name for c in connector.columns(ref)] == ["id", 'we"ird col']
    assert connector.row_count(ref).value == 2
    assert sorted(connector.sample(ref, 10, seed=1)['we"ird col']) == ["one", "two"]
    assert sqlite3.connect(crm_db).execute("SELECT count(*) FROM contacts").fetchone() == (ROWS,)


def test_broken_view_errors_alone(connector: SqlConnector) -> None:
    broken = _ref(connector, "broken_view")
    with pytest.raises(ConnectorError) as info:
        connector.columns(broken)
    message = str(info.value)
    assert "broken_view" in message and connector.label in message and "--exclude" in message
    assert "\n" not in message
    with pytest.raises(ConnectorError):
        connector.sample(broken, 5, seed=1)
    assert len(connector.sample(_ref(connector, "leads"), 5, seed=1)) == 5


def test_statement_timeout_stops_a_long_query(crm_db: Path) -> None:
    con = sqlite3.connect(crm_db)
    con.execute(
        "CREATE VIEW slow AS WITH RECURSIVE c(x) AS "
        "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
        "SELECT max(x) AS m FROM c"
    )
    con.commit()
    con.close()
    with SqlConnector(f"sqlite:///{crm_db}", query_timeout=0.2) as connector:
        slow = _ref(connector, "slow")
        with pytest.raises(ConnectorError, match=r"slow took longer than 0\.2 s .*--query-timeout"):
            connector.sample(slow, 5, seed=1)
        assert connector.row_count(slow).method == "unknown"  # counting timed out too; no estimate exists
        assert len(connector.sample(_ref(connector, "leads"), 5, seed=1)) == 5


def test_parallel_sampling_matches_sequential(connector: SqlConnector) -> None:
    refs = [t for t in connector.tables() if t.name != "broken_view"] * 3
    sequential = [connector.sample(t, 25, seed=5) for t in refs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda t: connector.sample(t, 25, 5), refs))
        counts = list(pool.map(connector.row_count, refs))
    for frame, expected in zip(parallel, sequential, strict=True):
        pd.testing.assert_frame_equal(frame, expected)
    assert all(c.exact for c in counts)


def test_missing_file_and_memory_and_unknown_schemes(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="no such SQLite database file"):
        SqlConnector(f"sqlite:///{tmp_path / 'nope.db'}")
    assert not (tmp_path / "nope.db").exists()  # read-only open never creates the file
    (tmp_path / "notes.db").write_text("meeting notes, not a database\n" * 40, encoding="utf-8")
    with pytest.raises(ConnectorError, match="cannot connect .*not a database.*is a SQLite database"):
        SqlConnector(f"sqlite:///{tmp_path / 'notes.db'}")
    with pytest.raises(UsageError, match="in-memory"):
        SqlConnector("sqlite://")
    with pytest.raises(UsageError, match="oracle is not supported"):
        SqlConnector("oracle://scott:tiger@db/orcl")
    with pytest.raises(UsageError, match="single schema .main."):
        SqlConnector(f"sqlite:///{tmp_path / 'x.db'}", schema="other")


def test_registry_opens_urls_and_bare_db_paths(crm_db: Path) -> None:
    by_url = open_source(f"sqlite:///{crm_db}")
    by_path = open_source(str(crm_db))
    try:
        assert isinstance(by_url, SqlConnector) and isinstance(by_path, SqlConnector)
        assert by_path.label == str(crm_db)
        assert [t.name for t in by_url.tables()] == [t.name for t in by_path.tables()]
    finally:
        by_url.close()
        by_path.close()


def test_urls_pick_drivers_and_labels_hide_secrets() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("mysql://u@h/db").drivername == "mysql+pymysql"
    assert normalise_url("mariadb://u@h/db").drivername == "mariadb+pymysql"
    assert normalise_url("postgresql+psycopg2://u@h/db").drivername == "postgresql+psycopg2"
    label = redacted_label(
        "postgresql://scanner:Hunter2pw@db.internal:5432/crm?sslpassword=Other9pw&sslmode=require"
    )
    assert "Hunter2pw" not in label and "Other9pw" not in label
    assert label.startswith("postgresql://scanner:***@db.internal:5432/crm")
    assert "sslmode=require" in label


def test_driver_messages_lose_values() -> None:
    exc = ValueError('invalid input syntax for type integer: "4111111111111111" for jane@example.com')
    text = _safe(exc)
    assert "4111" not in text and "jane@" not in text and text.startswith("ValueError: ")


@pytest.mark.parametrize(
    ("native", "sqlite", "expected"),
    [
        ("character varying(100)", False, "string"),
        ("timestamp with time zone", False, "datetime"),
        ("time without time zone", False, "datetime"),
        ("double precision", False, "float"),
        ("int4", False, "integer"),
        ("bigint unsigned", False, "integer"),
        ("tinyint(1)", False, "boolean"),
        ("bit(1)", False, "boolean"),
        ("bit(8)", False, "binary"),
        ("interval", False, "unknown"),
        ("point", False, "unknown"),
        ("text[]", False, "unknown"),
        ("uuid", False, "string"),
        ("jsonb", False, "json"),
        ("money", False, "decimal"),
        ("year(4)", False, "integer"),
        ("enum('a','b')", False, "string"),
        ("EMAIL_ADDRESS TEXT", True, "string"),
        ("UNSIGNED BIG INT", True, "integer"),
        ("", True, "unknown"),
        ("whatever", True, "decimal"),
    ],
)
def test_type_normalisation(native: str, sqlite: bool, expected: str) -> None:
    assert normalise_type(native, sqlite=sqlite) == expected
    assert expected in DATA_TYPES


@settings(max_examples=60, deadline=None)
@given(
    existing=st.sets(st.integers(min_value=0, max_value=400), min_size=1),
    n=st.integers(min_value=0, max_value=80),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_key_probing_returns_distinct_existing_rows(existing: set[int], n: int, seed: int) -> None:
    lo, hi = min(existing), max(existing)

    def fetch(keys: list[int]) -> dict[int, tuple[int]]:
        return {k: (k,) for k in keys if k in existing}

    density = len(existing) / (hi - lo + 1)
    got = probe_integer_keys(fetch, lo, hi, n, seed, density)
    if got is None:  # gave up on a sparse range: the caller falls back to a scan
        return
    keys = [row[0] for row in got]
    assert len(keys) == len(set(keys)) == min(n, len(keys))
    assert set(keys) <= existing
    assert got == probe_integer_keys(fetch, lo, hi, n, seed, density)


def test_subsample_is_seeded_and_order_preserving() -> None:
    rows = list(range(100))
    picked = subsample(rows, 10, seed=3)
    assert picked == sorted(picked) and len(set(picked)) == 10
    assert picked == subsample(rows, 10, seed=3) and picked != subsample(rows, 10, seed=4)
    assert subsample(rows[:5], 10, seed=3) == rows[:5]
