"""Property tests for the migration reader: any file either gives a schema or one clean MigrationError, and
the lines it reports are the lines the statements start on."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmscan.connectors.migrations import MigrationConnector, MigrationError
from crmscan.grants.paths import effective_read_paths

DIALECTS = st.sampled_from([None, "postgres", "mysql", "sqlite", "tsql"])
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400)
FRAGMENTS = [
    "CREATE",
    "TABLE",
    "VIEW",
    "ALTER",
    "ADD",
    "COLUMN",
    "DROP",
    "RENAME",
    "TO",
    "MODIFY",
    "CHANGE",
    "TYPE",
    "GRANT",
    "REVOKE",
    "DENY",
    "SELECT",
    "ALL",
    "ON",
    "FROM",
    "WITH",
    "OPTION",
    "ROLE",
    "USER",
    "PUBLIC",
    "AS",
    "COMMENT",
    "IS",
    "NULL",
    "NOT",
    "PRIMARY KEY",
    "BEGIN",
    "END",
    "IF",
    "ELSE",
    "EXISTS",
    "GO\n",
    "EXEC",
    "sp_rename",
    "sp_addextendedproperty",
    "@name",
    "=",
    "DELIMITER //\n",
    "//",
    "FUNCTION",
    "TRIGGER",
    "SCHEMA::",
    "OBJECT::",
    "ALL TABLES IN SCHEMA",
    "ROW LEVEL SECURITY",
    "POLICY",
    "USE",
    "SET",
    "search_path",
    "customers",
    "ssn",
    "email",
    "crm.customers",
    "dbo",
    "int",
    "varchar(255)",
    "text",
    "char(11)",
    "(",
    ")",
    ",",
    ";",
    ".",
    "*",
    "@",
    "'%'",
    "[x]",
    "`y`",
    '"z"',
    "'a;b'",
    "N'q'",
    "$$",
    "$t$",
    "--",
    "/*",
    "*/",
    "\n",
    " ",
    "1",
    "::",
    "-- migrate:down\n",
    "COPY t FROM stdin;\n",
    "\\.\n",
]
SQLISH = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(" ".join)


def check(text: str | bytes, dialect: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.sql"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        try:
            conn = MigrationConnector([path], dialect=dialect)
        except MigrationError as exc:
            message = str(exc)
            assert message.startswith(f"{path.as_posix()}:"), message
            assert "\n" not in message
            assert "internal error" not in message, message  # the safety net must never be needed
            return
        for table in conn.tables():
            for column in conn.columns(table):
                assert conn.location(table, column.name) is not None
            conn.sample(table, 10, 0)
        effective_read_paths(conn.grants())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, DIALECTS)
def test_any_text_parses_or_raises_migration_error(text: str, dialect: str | None) -> None:
    check(text, dialect)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SQLISH, DIALECTS)
def test_sql_like_text_parses_or_raises_migration_error(text: str, dialect: str | None) -> None:
    check(text, dialect)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), DIALECTS)
def test_any_bytes_parse_or_raise_migration_error(data: bytes, dialect: str | None) -> None:
    check(data, dialect)


FILLER = st.sampled_from(
    [
        "",
        "\n",
        "-- a comment; with 'quote\n",
        "/* block\n ; */\n",
        "  \n",
        "SELECT 'x;\ny';\n",
        "CREATE INDEX i ON t0 (a);\n",
        "DO $$ BEGIN NULL; END $$;\n",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.lists(FILLER, max_size=3), st.booleans()), min_size=1, max_size=8))
def test_reported_lines_are_where_statements_start(plan: list[tuple[list[str], bool]]) -> None:
    text = "CREATE TABLE t0 (a int);\n"
    expected: dict[str, int] = {}
    for i, (filler, multiline) in enumerate(plan, start=1):
        text += "".join(filler)
        line = text.count("\n") + 1
        text += (
            f"ALTER TABLE t0\n  ADD COLUMN c{i} text;\n"
            if multiline
            else f"ALTER TABLE t0 ADD COLUMN c{i} text;\n"
        )
        expected[f"c{i}"] = line
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.sql"
        path.write_text(text, encoding="utf-8")
        conn = MigrationConnector([path], dialect="postgres")
        assert {c: conn.location("t0", c) for c in expected} == {
            c: (path.as_posix(), n) for c, n in expected.items()
        }
