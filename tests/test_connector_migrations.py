"""MigrationConnector: the schema and grants SQL migration files leave, with file:line locations.

Each dialect has a small, realistic CRM migration set under ``tests/data/migrations/<dialect>/``: create the
customers table, add an SSN column in a later file, rename a column, comments, grants to PUBLIC and to
roles (column-level included), a revoke, a role granted through a role. The tests run the real files
through the real parser and assert the exact result.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmscan.connectors.base import Connector
from crmscan.connectors.migrations import MigrationConnector, MigrationError, migration_files
from crmscan.errors import ConnectorError, UsageError
from crmscan.grants.model import GrantSet
from crmscan.grants.paths import effective_read_paths, readers
from crmscan.model import RowCount, TableRef

DATA = Path(__file__).parent / "data" / "migrations"


@pytest.fixture(autouse=True)
def _in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the fixtures folder so that locations read ``postgres/2_add_ssn.sql`` as a user would see."""
    monkeypatch.chdir(DATA)


def schema(conn: MigrationConnector) -> dict[str, list[tuple[object, ...]]]:
    return {
        f"{t.kind}:{t.qualified_name}": [
            (c.name, c.data_type, c.native_type, c.comment, c.nullable) for c in conn.columns(t)
        ]
        for t in conn.tables()
    }


def grants(gs: GrantSet) -> set[tuple[object, ...]]:
    return {
        (g.principal, g.privilege, g.object_type, g.schema, g.table, g.column, g.grantable) for g in gs.grants
    }


def principals(gs: GrantSet) -> dict[str, tuple[object, ...]]:
    return {p.name: (p.kind, p.can_login, p.member_count, p.host) for p in gs.principals.values()}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- PostgreSQL -----------------------------------------------------------------------------------------


def test_postgres_schema_after_all_migrations() -> None:
    conn = MigrationConnector([Path("postgres")])
    assert conn.dialects == dict.fromkeys(
        [
            "postgres/1_create_customers.sql",
            "postgres/2_add_ssn.sql",
            "postgres/3_roles.sql",
            "postgres/10_rename_and_views.sql",
        ],
        "postgres",
    )
    assert schema(conn) == {
        "view:crm.customer_contacts": [
            ("id", "integer", "bigserial", None, False),
            ("full_name", "string", "text", None, False),
            ("contact_email", "string", "varchar(255)", None, False),
            ("ssn", "string", "char(11)", None, None),
        ],
        "table:crm.customers": [
            ("id", "integer", "bigserial", None, False),
            ("email", "string", "varchar(255)", None, False),
            ("full_name", "string", "text", "Legal name, as on the ID document", False),
            ("mobile_phone", "string", "varchar(40)", None, None),
            ("birth_date", "date", "date", None, None),
            ("created_at", "datetime", "timestamp with time zone", None, False),
            ("ssn", "string", "char(11)", "US social security number", None),
            ("notes", "string", "text", None, None),
        ],
        "table:crm.purchases": [
            ("id", "integer", "bigserial", None, False),
            ("customer_id", "integer", "bigint", None, False),
            ("total", "decimal", "numeric(12, 2)", None, False),
            ("card_last4", "string", "char(4)", None, None),
        ],
    }
    assert conn.table_comment("crm.customers") == "People who bought something"
    assert conn.table_comment("crm.purchases") is None


def test_postgres_grants_memberships_and_principals() -> None:
    gs = MigrationConnector([Path("postgres")]).grants()
    assert gs.source == "migration"
    assert grants(gs) == {
        ("PUBLIC", "USAGE", "schema", "crm", None, None, False),
        # ALL TABLES IN SCHEMA covers the tables that existed then: not the view created later
        ("crm_readers", "SELECT", "table", "crm", "customers", None, False),
        ("crm_readers", "SELECT", "table", "crm", "purchases", None, False),
        # full_name revoked in file 10; UPDATE (phone) follows the column's rename
        ("support", "SELECT", "column", "crm", "customers", "id", False),
        ("support", "SELECT", "column", "crm", "customers", "email", False),
        ("support", "UPDATE", "column", "crm", "customers", "mobile_phone", False),
        ("marketing", "SELECT", "table", "crm", "purchases", None, True),
        ("marketing", "SELECT", "table", "crm", "customer_contacts", None, False),
    }
    assert {(m.member, m.role, m.inherit) for m in gs.memberships} == {
        ("reporting_app", "crm_readers", True),
        ("alice", "support", True),
        ("support", "crm_readers", True),
        ("marketing", "crm_readers", False),  # NOINHERIT role
    }
    assert principals(gs) == {
        "PUBLIC": ("public", None, None, None),
        "crm_readers": ("role", False, 3, None),
        "support": ("role", False, 1, None),
        "marketing": ("role", False, 0, None),
        "reporting_app": ("user", True, None, None),
        "alice": ("user", True, None, None),
    }
    assert gs.objects[("crm", "customers")] == (
        "id",
        "email",
        "full_name",
        "mobile_phone",
        "birth_date",
        "created_at",
        "ssn",
        "notes",
    )
    assert set(gs.objects) == {("crm", "customers"), ("crm", "purchases"), ("crm", "customer_contacts")}


def test_postgres_effective_read_paths() -> None:
    paths = effective_read_paths(MigrationConnector([Path("postgres")]).grants())
    ssn = {(p.principal, p.via, p.requires_set_role) for p in readers(paths, "crm", "customers", "ssn")}
    # PUBLIC's grant was revoked; support's column grants do not cover ssn, its role crm_readers does
    assert ssn == {
        ("crm_readers", (), False),
        ("reporting_app", ("crm_readers",), False),
        ("support", ("crm_readers",), False),
        ("alice", ("support", "crm_readers"), False),
        ("marketing", ("crm_readers",), True),
    }


def test_postgres_locations() -> None:
    conn = MigrationConnector([Path("postgres")])
    assert conn.location("crm.customers") == ("postgres/1_create_customers.sql", 2)
    assert conn.location("crm.customers", "email") == ("postgres/1_create_customers.sql", 2)
    assert conn.location("crm.customers", "ssn") == ("postgres/2_add_ssn.sql", 2)
    assert conn.location("crm.customers", "notes") == ("postgres/2_add_ssn.sql", 2)
    assert conn.location("crm.customers", "mobile_phone") == ("postgres/10_rename_and_views.sql", 3)
    assert conn.location("crm.customers", "phone") is None
    assert conn.location("crm.purchases") == ("postgres/10_rename_and_views.sql", 4)
    assert conn.location("crm.purchases", "total") == ("postgres/1_create_customers.sql", 11)
    assert conn.location("customer_contacts", "ssn") == ("postgres/10_rename_and_views.sql", 6)
    assert conn.location("nope") is None
    ref = next(t for t in conn.tables() if t.name == "customers")
    assert conn.location(ref, "ssn") == ("postgres/2_add_ssn.sql", 2)

    roles = "postgres/3_roles.sql"
    assert conn.grant_location("support", "crm.customers", "email") == (roles, 10)
    assert conn.grant_location("crm_readers", "crm.customers") == (roles, 8)
    assert conn.grant_location("alice", "crm.customers", "email") == (roles, 10)  # via support
    assert conn.grant_location("alice", "crm.customers", "ssn") == (roles, 8)  # via support -> crm_readers
    assert conn.grant_location("marketing", "crm.purchases") == (roles, 15)
    assert conn.grant_location("marketing", "crm.customer_contacts") == (
        "postgres/10_rename_and_views.sql",
        9,
    )
    assert conn.grant_location("PUBLIC", "crm.customers") is None  # revoked
    assert conn.grant_location("support", "crm.customers", "full_name") == (
        roles,
        8,
    )  # column revoked, role remains
    assert conn.grant_location("support", "crm.customers", "mobile_phone", "UPDATE") == (roles, 10)
    assert conn.membership_location("alice", "support") == (roles, 12)
    assert conn.membership_location("reporting_app", "crm_readers") == (roles, 4)


# -- MySQL (Flyway naming) ------------------------------------------------------------------------------


def test_mysql_flyway_order_and_schema() -> None:
    conn = MigrationConnector([Path("mysql")])
    # versions compare numerically (1 < 1.1 < 2 < 10), repeatable R__ last, undo U2__ never applied
    assert list(conn.dialects) == [
        "mysql/V1__init.sql",
        "mysql/V1.1__add_ssn.sql",
        "mysql/V2__grants.sql",
        "mysql/V10__rename.sql",
        "mysql/R__views.sql",
    ]
    assert set(conn.dialects.values()) == {"mysql"}
    assert schema(conn) == {
        "view:client_names": [
            ("id", "integer", "INT UNSIGNED", None, False),
            ("full_name", "unknown", "", None, None),
            ("email", "string", "VARCHAR(255)", None, False),
        ],
        "table:clients": [
            ("id", "integer", "INT UNSIGNED", None, False),
            ("email", "string", "VARCHAR(255)", "Login e-mail", False),
            ("first_name", "string", "VARCHAR(100)", None, False),
            ("last_name", "string", "VARCHAR(100)", None, False),
            ("ssn", "string", "CHAR(11)", "Social security number", True),  # AFTER last_name
            ("mobile", "string", "VARCHAR(40)", "Mobile number", True),
            ("is_vip", "boolean", "TINYINT(1)", None, False),
            ("created_at", "datetime", "DATETIME", None, False),
        ],
    }
    assert conn.table_comment("clients") == "CRM customers"
    assert conn.location("clients") == ("mysql/V10__rename.sql", 2)
    assert conn.location("clients", "ssn") == ("mysql/V1.1__add_ssn.sql", 1)
    assert conn.location("clients", "mobile") == ("mysql/V10__rename.sql", 1)
    assert conn.location("clients", "email") == ("mysql/V1__init.sql", 1)


def test_mysql_grants_accounts_and_default_roles() -> None:
    conn = MigrationConnector([Path("mysql")])
    gs = conn.grants()
    assert grants(gs) == {
        # crm.* names a database no migration qualifies a table with: it is taken as theirs
        ("crm_read", "SELECT", "schema", "crm", None, None, False),
        ("crm_read", "SELECT", "schema", None, None, None, False),
        ("crm_support", "SELECT", "column", None, "clients", "id", False),
        ("crm_support", "SELECT", "column", None, "clients", "email", False),
        ("crm_support", "SELECT", "column", None, "clients", "first_name", False),
        ("crm_support", "UPDATE", "column", None, "clients", "mobile", False),
        ("app@%", "SELECT", "table", None, "clients", None, False),  # INSERT revoked
    }
    assert {(m.member, m.role, m.inherit) for m in gs.memberships} == {
        ("bi@10.0.%", "crm_read", False),  # not a default role: needs SET ROLE
        ("app@%", "crm_support", True),
    }
    assert principals(gs) == {
        "PUBLIC": ("public", None, None, None),
        "crm_read": ("role", False, 1, None),
        "crm_support": ("role", False, 1, None),
        "app@%": ("user", True, None, "%"),
        "bi@10.0.%": ("user", True, None, "10.0.%"),
    }
    assert gs.principals["app@%"].flags == ("any-host",)
    grants_file = "mysql/V2__grants.sql"
    assert conn.grant_location("app@%", "clients") == (grants_file, 10)
    assert conn.grant_location("app@%", "clients", "email") == (
        grants_file,
        10,
    )  # its own grant before its role's
    assert conn.grant_location("crm_support", "clients", "email") == (grants_file, 6)
    assert conn.grant_location("bi@10.0.%", "clients", "ssn") == (grants_file, 5)
    paths = effective_read_paths(gs)
    assert {(p.principal, p.requires_set_role) for p in readers(paths, None, "clients", "ssn")} == {
        ("crm_read", False),
        ("bi@10.0.%", True),
        ("app@%", False),
    }


# -- SQLite (golang-migrate naming) ---------------------------------------------------------------------


def test_sqlite_up_files_only() -> None:
    conn = MigrationConnector([Path("sqlite")])
    assert list(conn.dialects) == [
        "sqlite/000001_init.up.sql",
        "sqlite/000002_add_ssn.up.sql",
        "sqlite/000003_rename.up.sql",
    ]
    customers = [
        ("id", "integer", "INTEGER", None, False),
        ("email", "string", "TEXT", None, False),
        ("name", "string", "TEXT", None, False),
        ("mobile", "unknown", "", None, None),  # declared without a type
        ("created_at", "datetime", "DATETIME", None, None),
        ("ssn", "string", "VARCHAR(11)", None, None),
        ("dob", "date", "DATE", None, None),
    ]
    assert schema(conn) == {
        "table:customer_notes": [
            ("id", "integer", "INTEGER", None, False),
            ("customer_id", "integer", "INTEGER", None, None),
            ("body", "string", "TEXT", None, None),
        ],
        "table:customers": customers,
        "view:v_customers": customers,
    }
    assert conn.location("customers", "ssn") == ("sqlite/000002_add_ssn.up.sql", 1)
    assert conn.location("customers", "dob") == ("sqlite/000002_add_ssn.up.sql", 2)
    assert conn.location("customers", "mobile") == ("sqlite/000003_rename.up.sql", 1)
    assert conn.location("customer_notes") == ("sqlite/000003_rename.up.sql", 2)
    assert conn.location("v_customers", "ssn") == ("sqlite/000003_rename.up.sql", 4)
    gs = conn.grants()
    assert gs.grants == [] and gs.memberships == [] and list(gs.principals) == ["PUBLIC"]
    assert set(gs.objects) == {(None, "customers"), (None, "customer_notes"), (None, "v_customers")}


# -- T-SQL (SSMS scripts, GO, no semicolons) ------------------------------------------------------------


def test_tsql_schema_comments_and_locations() -> None:
    conn = MigrationConnector([Path("tsql")])
    assert set(conn.dialects.values()) == {"tsql"}
    assert schema(conn) == {
        "table:dbo.Customers": [
            ("CustomerId", "integer", "int", None, False),
            ("Email", "string", "nvarchar(255)", None, False),
            ("FirstName", "string", "nvarchar(100)", None, False),
            ("LastName", "string", "nvarchar(100)", None, False),
            ("MobilePhone", "string", "nvarchar(40)", None, True),
            ("RowGuid", "string", "uniqueidentifier", None, False),
            ("CreatedAt", "datetime", "datetime2(7)", None, False),
            ("Ssn", "string", "CHAR(11)", "US social security number", True),
            ("TaxNotes", "string", "NVARCHAR(MAX)", None, True),
            ("IsVip", "boolean", "BIT", None, False),
        ]
    }
    assert conn.table_comment("dbo.Customers") == "People who bought something"
    assert conn.location("dbo.Customers") == ("tsql/001_init.sql", 5)
    assert conn.location("Customers", "Ssn") == ("tsql/002_add_ssn.sql", 1)
    assert conn.location("dbo.Customers", "MobilePhone") == ("tsql/002_add_ssn.sql", 2)  # sp_rename
    assert conn.location("dbo.Customers", "IsVip") == ("tsql/002_add_ssn.sql", 12)  # inside IF ... BEGIN


def test_tsql_grants_deny_and_fixed_roles() -> None:
    conn = MigrationConnector([Path("tsql")])
    gs = conn.grants()
    assert grants(gs) == {
        ("CrmReaders", "SELECT", "schema", "dbo", None, None, False),
        ("CrmReaders", "SELECT", "schema", None, None, None, False),
        ("Support", "SELECT", "column", "dbo", "Customers", "CustomerId", False),
        ("Support", "SELECT", "column", "dbo", "Customers", "FirstName", False),  # Email denied
        ("db_datareader", "SELECT", "global", None, None, None, False),
    }
    assert {(m.member, m.role, m.inherit) for m in gs.memberships} == {
        ("ReportingApp", "CrmReaders", True),
        ("Alice", "Support", True),
        ("AuditSvc", "db_datareader", True),
    }
    assert principals(gs) == {
        "PUBLIC": ("public", None, None, None),
        "CrmReaders": ("role", False, 1, None),
        "Support": ("role", False, 1, None),
        "ReportingApp": ("user", False, None, None),
        "Alice": ("user", True, None, None),
    }
    assert any("DENY" in note for note in gs.notes)
    security = "tsql/003_security.sql"
    assert conn.grant_location("Alice", "dbo.Customers", "FirstName") == (security, 10)
    assert conn.grant_location("Alice", "dbo.Customers", "Email") is None
    assert conn.grant_location("ReportingApp", "dbo.Customers", "Ssn") == (security, 9)
    assert conn.grant_location("AuditSvc", "dbo.Customers", "Ssn") == (
        security,
        7,
    )  # db_datareader membership
    assert conn.grant_location("public", "dbo.Customers") is None


# -- errors ---------------------------------------------------------------------------------------------


def test_malformed_file_names_file_and_line_without_echoing_values() -> None:
    with pytest.raises(MigrationError) as info:
        MigrationConnector([Path("bad")])
    message = str(info.value)
    assert message == (
        "bad/003_bad.sql:6: cannot parse statement: Expecting ) (read as postgres); "
        "fix the SQL or pass --dialect"
    )
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2
    assert "\n" not in message and "4111" not in message and "jane" not in message


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "CREATE TABLE a (id int);\n\nSELECT 'never closed\n\n",
            3,
            "unterminated string, quoted name or comment",
        ),
        ("CREATE TABLE a (id int);\n/* never closed\n", 2, "unterminated string, quoted name or comment"),
        ("\n\nCREATE TABLE a (\n  id int,\n  name text\n;\n", 3, "unbalanced parentheses"),
        ("CREATE TABLE a (id int);\nALTER TABLE a;\n", 2, "ALTER TABLE without an action"),
        ("GRANT SELECT ON a\nTO ;\n", 2, "expected a role or user name"),
        ("CREAT TABLE x (id int);", 1, "Invalid expression / Unexpected token"),
        ("CREATE TABLE a (id int,, b int);", 1, "empty column definition (two commas in a row?)"),
    ],
)
def test_error_lines(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, "m.sql", text)
    with pytest.raises(
        MigrationError, match=r"^.*m\.sql:(\d+): cannot parse statement: (.*) \(read as"
    ) as info:
        MigrationConnector([path], dialect="postgres")
    assert f"m.sql:{line}: cannot parse statement: {reason} (read as postgres)" in str(info.value)
    assert str(info.value).endswith("fix the SQL or pass another --dialect")


def test_missing_paths_and_bad_dialect(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no such file or folder"):
        MigrationConnector([tmp_path / "nope"])
    with pytest.raises(MigrationError, match="no .sql migration files in this folder"):
        MigrationConnector([tmp_path])
    with pytest.raises(
        MigrationError, match="unknown SQL dialect; choose one of postgres, mysql, sqlite, tsql"
    ):
        MigrationConnector([Path("postgres")], dialect="oracle")
    (tmp_path / "latin1.sql").write_bytes("-- ok\nCOMMENT ON TABLE t IS 'caf\xe9';\n".encode("latin-1"))
    with pytest.raises(MigrationError, match=r"latin1\.sql:2: not UTF-8 text"):
        MigrationConnector([tmp_path / "latin1.sql"])


# -- the connector protocol -----------------------------------------------------------------------------


def test_connector_protocol() -> None:
    conn = MigrationConnector([Path("postgres")])
    assert isinstance(conn, Connector)
    assert conn.label == "postgres"
    refs = conn.tables()
    assert refs == [
        TableRef("postgres", "customer_contacts", "crm", "view", ""),
        TableRef("postgres", "customers", "crm", "table", ""),
        TableRef("postgres", "purchases", "crm", "table", ""),
    ]
    assert conn.row_count(refs[1]) == RowCount(None, False, "none")
    frame = conn.sample(refs[1], 100, seed=1)
    assert isinstance(frame, pd.DataFrame) and frame.empty
    assert list(frame.columns) == [c.name for c in conn.columns(refs[1])]
    with pytest.raises(ConnectorError, match="crm.ghost is not defined by the migrations"):
        conn.columns(TableRef("postgres", "ghost", "crm"))
    with conn:
        pass
    files = MigrationConnector([Path("mysql/V1__init.sql"), Path("mysql/V1.1__add_ssn.sql")])
    assert files.label == "mysql/V1__init.sql, mysql/V1.1__add_ssn.sql"
    assert MigrationConnector([Path("sqlite")], label="crm migrations").label == "crm migrations"


def test_explicit_files_apply_in_the_given_order_and_alone(tmp_path: Path) -> None:
    # A pull request's new file scanned on its own: the table it alters is still recorded.
    conn = MigrationConnector([Path("postgres/2_add_ssn.sql")])
    assert schema(conn) == {
        "table:crm.customers": [
            ("ssn", "string", "char(11)", "US social security number", None),
            ("notes", "string", "text", None, None),
        ]
    }
    assert conn.location("crm.customers", "ssn") == ("postgres/2_add_ssn.sql", 2)
    first = write(tmp_path, "b.sql", "CREATE TABLE t (a int);")
    second = write(tmp_path, "a.sql", "ALTER TABLE t RENAME COLUMN a TO b;")
    assert [c.name for c in MigrationConnector([first, second]).columns(TableRef(str(first), "t"))] == ["b"]


def test_migration_file_order(tmp_path: Path) -> None:
    plain, flyway = tmp_path / "plain", tmp_path / "flyway"
    plain.mkdir()
    flyway.mkdir()
    for name in ["10_x.sql", "2_x.sql", "001_init.sql", "3_y.down.sql", "3_y.up.sql", "notes.txt", "B.SQL"]:
        write(plain, name, "")
    for name in [
        "V10__e.sql",
        "V1__a.sql",
        "V1.1__b.sql",
        "V1_2__c.sql",
        "V2__d.sql",
        "R__views.sql",
        "U1__undo.sql",
    ]:
        write(flyway, name, "")
    assert [Path(shown).name for _, shown in migration_files([plain])] == [
        "001_init.sql",
        "2_x.sql",
        "3_y.up.sql",
        "10_x.sql",
        "B.SQL",
    ]
    assert [Path(shown).name for _, shown in migration_files([flyway])] == [
        "V1__a.sql",
        "V1.1__b.sql",
        "V1_2__c.sql",
        "V2__d.sql",
        "V10__e.sql",
        "R__views.sql",
    ]
    # the same file named twice is applied once; a rollback file named explicitly is applied
    files = migration_files([plain / "2_x.sql", plain, plain / "3_y.down.sql"])
    assert [Path(shown).name for _, shown in files] == [
        "2_x.sql",
        "001_init.sql",
        "3_y.up.sql",
        "10_x.sql",
        "B.SQL",
        "3_y.down.sql",
    ]


# -- dialects -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("CREATE TABLE `t` (a int);", "mysql"),
        ("CREATE TABLE [dbo].[t] (a int)\nGO\n", "tsql"),
        ("CREATE TABLE t (a int)\ngo\n", "tsql"),
        ("COMMENT ON TABLE t IS 'x';", "postgres"),
        ("CREATE TABLE t (a int DEFAULT 1::int);", "postgres"),
        ("CREATE TABLE t (a int);", "postgres"),  # no hint: the first that parses
        ("CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT);", "sqlite"),
        ("-- `not a hint` in a comment\nCREATE TABLE t (a int);", "postgres"),
        ("CREATE TABLE t (note text DEFAULT '[dbo] `x`');", "postgres"),
    ],
)
def test_dialect_hints(tmp_path: Path, text: str, dialect: str) -> None:
    path = write(tmp_path, "m.sql", text)
    assert MigrationConnector([path]).dialects == {path.as_posix(): dialect}


def test_unhinted_file_follows_the_previous_files_dialect(tmp_path: Path) -> None:
    write(tmp_path, "1.sql", "CREATE TABLE `Customers` (`Id` int);")
    write(tmp_path, "2.sql", "ALTER TABLE Customers ADD COLUMN Ssn char(11);")
    conn = MigrationConnector([tmp_path])
    assert list(conn.dialects.values()) == ["mysql", "mysql"]
    # read as MySQL, the unquoted name keeps its case (PostgreSQL would fold it to ssn)
    assert [c.name for c in conn.columns(conn.tables()[0])] == ["Id", "Ssn"]


def test_postgres_folds_unquoted_names(tmp_path: Path) -> None:
    path = write(tmp_path, "m.sql", 'CREATE TABLE Crm.Customers (Id int, "Email" text);')
    conn = MigrationConnector([path], dialect="postgresql")
    assert [(t.schema, t.name) for t in conn.tables()] == [("crm", "customers")]
    assert [c.name for c in conn.columns(conn.tables()[0])] == ["id", "Email"]


# -- hostile identifiers --------------------------------------------------------------------------------


def test_hostile_identifiers_postgres() -> None:
    conn = MigrationConnector([Path("hostile")])
    table = 'we"ird; DROP TABLE x --'
    assert schema(conn) == {
        f"table:{table}": [
            ("col with spaces", "string", "text", None, None),
            ("ünïcødé", "string", "varchar(10)", None, None),
            ("a'b", "integer", "int", "it's; -- not a comment /* nor this", None),
            ("semi;colon", "string", "text", None, None),
            ("Mixed", "string", "text", None, None),
            ("plain", "string", "TEXT", None, None),
        ]
    }
    assert grants(conn.grants()) == {
        ('Role "Quoted"', "SELECT", "column", None, table, "semi;colon", False),
        ('Role "Quoted"', "SELECT", "column", None, table, "col with spaces", False),
    }
    assert conn.location(table, "semi;colon") == ("hostile/001_hostile.sql", 1)
    assert conn.grant_location('Role "Quoted"', table, "semi;colon") == ("hostile/001_hostile.sql", 11)


def test_hostile_identifiers_mysql_and_tsql(tmp_path: Path) -> None:
    mysql = write(
        tmp_path,
        "my.sql",
        "CREATE TABLE `we``ird;` (`a'b` TEXT COMMENT 'x; `y`', `--c` INT);\n"
        "GRANT SELECT (`a'b`) ON `we``ird;` TO 'o''neil'@'%';\n",
    )
    conn = MigrationConnector([mysql])
    assert schema(conn) == {
        "table:we`ird;": [("a'b", "string", "TEXT", "x; `y`", None), ("--c", "integer", "INT", None, None)]
    }
    assert grants(conn.grants()) == {("o'neil@%", "SELECT", "column", None, "we`ird;", "a'b", False)}
    tsql = write(
        tmp_path,
        "ts.sql",
        "CREATE TABLE [dbo].[a]]b] ([x;y] NVARCHAR(5), [GO] INT)\nGO\n"
        "EXEC sp_rename N'[dbo].[a]]b].[x;y]', N'z', 'COLUMN'\n",
    )
    conn = MigrationConnector([tsql])
    assert schema(conn) == {
        "table:dbo.a]b": [("z", "string", "NVARCHAR(5)", None, None), ("GO", "integer", "INT", None, None)]
    }
    assert conn.location("dbo.a]b", "z") == (tsql.as_posix(), 3)


# -- statements that are skipped, and line numbers around them ------------------------------------------


def test_skipped_statements_keep_line_numbers(tmp_path: Path) -> None:
    text = (
        "\\connect crm\n"  # 1: psql meta-command
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"  # 2
        "COPY customers (id, email) FROM stdin;\n"  # 3
        "1\tjane@example.com\n"  # 4: data, never parsed
        "\\.\n"  # 5
        "CREATE FUNCTION f() RETURNS int AS $body$\n"  # 6
        "  SELECT 1; -- ; inside\n"  # 7
        "$body$ LANGUAGE sql;\n"  # 8
        "/* a comment with a ; and a 'quote\n"  # 9
        "   over two lines */ CREATE TABLE t (\n"  # 10
        "  note text DEFAULT 'multi\n"  # 11
        "line; string',\n"  # 12
        "  ssn char(11));\n"  # 13
        "DO $$ BEGIN PERFORM 1; END $$; ALTER TABLE t ADD COLUMN dob date;\n"  # 14
        "-- migrate:down\n"  # 15: dbmate rollback section, never applied
        "DROP TABLE t;\n"  # 16
    )
    conn = MigrationConnector([write(tmp_path, "m.sql", text)])
    assert [c.name for c in conn.columns(TableRef(conn.label, "t"))] == ["note", "ssn", "dob"]
    assert conn.location("t") == (f"{tmp_path.as_posix()}/m.sql", 10)
    assert conn.location("t", "dob") == (f"{tmp_path.as_posix()}/m.sql", 14)


def test_postgres_revoke_semantics(tmp_path: Path) -> None:
    text = """
        CREATE TABLE t (a int, b int);
        GRANT SELECT (a, b) ON t TO r1;
        REVOKE SELECT ON t FROM r1;          -- a table REVOKE takes the column grants too
        GRANT SELECT ON t TO r2;
        REVOKE SELECT (a) ON t FROM r2;      -- a column REVOKE leaves the table grant alone
        GRANT SELECT ON t TO r3 WITH GRANT OPTION;
        REVOKE GRANT OPTION FOR SELECT ON t FROM r3;
        GRANT ALL ON t TO r4;
        REVOKE ALL PRIVILEGES ON t FROM r4;
        DROP TABLE t;
        CREATE TABLE t (a int);              -- a new table: the old grants are gone
        GRANT r5 TO r6;
        REVOKE r5 FROM r6;
    """
    gs = MigrationConnector([write(tmp_path, "m.sql", text)], dialect="postgres").grants()
    assert grants(gs) == set()
    text = text.replace("DROP TABLE t;", "").replace("CREATE TABLE t (a int);", "")
    gs = MigrationConnector([write(tmp_path, "m.sql", text)], dialect="postgres").grants()
    assert grants(gs) == {
        ("r2", "SELECT", "table", None, "t", None, False),
        ("r3", "SELECT", "table", None, "t", None, False),
    }
    assert gs.memberships == []


def test_row_level_security_and_owner(tmp_path: Path) -> None:
    text = """
        CREATE TABLE accounts (id int, owner text, iban text);
        ALTER TABLE accounts OWNER TO app_owner;
        ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
        ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON accounts FOR SELECT TO analyst USING (owner = current_user);
        CREATE POLICY tmp ON accounts USING (true);
        DROP POLICY tmp ON accounts;
        GRANT SELECT ON accounts TO analyst;
    """
    gs = MigrationConnector([write(tmp_path, "m.sql", text)], dialect="postgres").grants()
    assert gs.rls == {(None, "accounts"): True}
    assert gs.owners == {(None, "accounts"): "app_owner"}
    assert [(p.name, p.roles, p.command, p.permissive) for p in gs.policies] == [
        ("own_rows", ("analyst",), "SELECT", True)
    ]
    paths = effective_read_paths(gs)
    assert {(p.principal, p.row_filter) for p in readers(paths, None, "accounts", "iban")} == {
        ("analyst", ("own_rows",))
    }


def test_default_privileges_apply_to_later_tables(tmp_path: Path) -> None:
    text = (
        "CREATE TABLE crm.a (x int);\n"
        "ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT SELECT ON TABLES TO analytics;\n"
        "ALTER DEFAULT PRIVILEGES FOR ROLE migrator GRANT ALL ON TABLES TO app WITH GRANT OPTION;\n"
        "ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO app;\n"
        "CREATE TABLE crm.b (ssn text);\n"
        "ALTER DEFAULT PRIVILEGES FOR ROLE migrator REVOKE DELETE ON TABLES FROM app;\n"
        "CREATE TABLE public.c (y int);\n"
    )
    path = write(tmp_path, "m.sql", text)
    conn = MigrationConnector([path])
    gs = conn.grants()
    assert grants(gs) == {
        ("analytics", "SELECT", "table", "crm", "b", None, False),
        *{("app", p, "table", "crm", "b", None, True) for p in ("SELECT", "INSERT", "UPDATE", "DELETE")},
        *{("app", p, "table", "public", "c", None, True) for p in ("SELECT", "INSERT", "UPDATE")},
    }
    assert {(d.owner, d.schema, d.object_type, d.grantee, d.privileges) for d in gs.default_privileges} == {
        ("CURRENT_USER", "crm", "table", "analytics", ("SELECT",)),
        ("migrator", None, "table", "app", ("INSERT", "SELECT", "UPDATE")),
        ("CURRENT_USER", None, "sequence", "app", ("USAGE",)),
    }
    assert conn.grant_location("analytics", "crm.b", "ssn") == (path.as_posix(), 2)


def test_tsql_batches_blocks_and_statements_without_semicolons(tmp_path: Path) -> None:
    text = (
        "PRINT 'start'\n"  # 1: PRINT must not swallow what follows
        "CREATE TABLE dbo.People (Id INT, Notes NTEXT, Upper AS UPPER(Notes) PERSISTED,\n"  # 2
        "    INDEX IX_Id NONCLUSTERED (Id))\n"  # 3
        "BEGIN TRY\n"  # 4
        "    ALTER TABLE dbo.People ADD Email NVARCHAR(320) NULL\n"  # 5
        "END TRY\n"  # 6
        "BEGIN CATCH\n"  # 7
        "    ALTER TABLE dbo.People ADD Never INT;\n"  # 8: error handling is not the migration's path
        "    THROW;\n"  # 9
        "END CATCH\n"  # 10
        "GO\n"  # 11
        "IF EXISTS (SELECT 1 FROM sys.columns WHERE name = N'Notes')\n"  # 12
        "BEGIN\n"  # 13
        "    ALTER TABLE dbo.People DROP COLUMN Notes\n"  # 14
        "END\n"  # 15
        "ELSE\n"  # 16
        "BEGIN\n"  # 17
        "    ALTER TABLE dbo.People ADD Other INT\n"  # 18: the ELSE branch is not applied
        "END\n"  # 19
        "ALTER TABLE dbo.People\n"  # 20
        "    ALTER COLUMN Email NVARCHAR(400) NOT NULL\n"  # 21
        "GO 2\n"  # 22
        "CREATE PROCEDURE dbo.p AS\nBEGIN\n  SELECT 1; ALTER TABLE dbo.People ADD InProc INT;\nEND\n"  # 23-26
    )
    conn = MigrationConnector([write(tmp_path, "m.sql", text)])
    assert conn.dialects == {f"{tmp_path.as_posix()}/m.sql": "tsql"}
    assert schema(conn) == {
        "table:dbo.People": [
            ("Id", "integer", "INT", None, None),
            ("Upper", "unknown", "", None, None),
            ("Email", "string", "NVARCHAR(400)", None, False),
        ]
    }
    assert conn.location("dbo.People", "Email") == (f"{tmp_path.as_posix()}/m.sql", 20)


@pytest.mark.parametrize(
    ("name", "tables"),
    [
        ("postgres_dump.sql", {"crm.people": 9, "crm.people_p0": 9, "crm.people_stats": 2}),
        ("mysqldump.sql", {"people": 10, "v": 2}),
        ("sqlite_dump.sql", {"people": 4, "t2": 2, "t3": 2}),
        ("ssms_script.sql", {"crm.People": 12, "crm.vPeople": 3}),
    ],
)
def test_real_world_scripts_parse(name: str, tables: dict[str, int]) -> None:
    """pg_dump, mysqldump, sqlite3 .dump and SSMS output, with the statements crmscan skips."""
    conn = MigrationConnector([Path("dumps") / name])
    assert {t.qualified_name: len(conn.columns(t)) for t in conn.tables()} == tables
