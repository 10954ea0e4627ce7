"""SqlConnector and grant introspection against real PostgreSQL and MySQL/MariaDB servers.

Each test builds its own CRM-like schema (customers, contacts, payments, support_cases) and roles with a
random suffix, and drops them afterwards. The grant tests assert the exact set of read paths crmscan
reports for the test's own principals, through the real catalogs (no hand-built grant objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest_db import MYSQL_URL, PG_URL, admin, admin_engine, run, sql, unique_suffix, url_with
from crmscan.connectors import sql as sql_module
from crmscan.connectors import sql_mysql, sql_postgres
from crmscan.connectors.sql import SqlConnector
from crmscan.errors import ConnectorError
from crmscan.grants import PUBLIC, GrantSet, ReadPath, effective_read_paths
from crmscan.grants.model import DefaultPrivilege
from crmscan.model import TableRef

PASSWORD = "S3cret-pw-xyz"
HOSTILE = 'x"; DROP TABLE customers; --'
BIG_ROWS = 3000


@dataclass
class Crm:
    """One test's database objects: where they live and what the roles are called."""

    kind: str  # "postgresql" | "mysql"
    url: str
    schema: str
    sfx: str
    public_grants: bool = True

    @property
    def anonymous_host(self) -> str:
        """A host no test connects from, so the anonymous account never shadows a real login."""
        return f"crmscan-{self.sfx}.invalid"

    def role(self, base: str) -> str:
        return f"{base}_{self.sfx}"

    def account(self, base: str) -> str:
        """A login principal's name as crmscan reports it."""
        return self.role(base) if self.kind == "postgresql" else f"{self.role(base)}@%"

    def connector(self, **kwargs: object) -> SqlConnector:
        return SqlConnector(self.url, schema=self.schema, **kwargs)  # type: ignore[arg-type]


# -- PostgreSQL -----------------------------------------------------------------------------------------

_PG_ROLES = (
    "owner",
    "sales",
    "marketing",
    "support",
    "bi_readers",
    "bi_service",
    "agency",
    "auditor",
    "orphan",
    "lowpriv",
)


@pytest.fixture
def pg_crm() -> Iterator[Crm]:
    admin_engine(PG_URL, "PostgreSQL")
    sfx = unique_suffix()
    crm = Crm("postgresql", PG_URL, f"crm_{sfx}", sfx)
    try:
        _create_pg(crm)
        yield crm
    finally:
        _drop_pg(crm)


def _create_pg(crm: Crm) -> None:
    s, r = crm.schema, crm.role
    with admin(PG_URL, "PostgreSQL") as conn:
        run(
            conn,
            f"""
            CREATE ROLE {r("owner")} NOLOGIN; CREATE ROLE {r("sales")} NOLOGIN;
            CREATE ROLE {r("marketing")} NOLOGIN; CREATE ROLE {r("support")} NOLOGIN;
            CREATE ROLE {r("bi_readers")} NOLOGIN; CREATE ROLE {r("orphan")} NOLOGIN;
            CREATE ROLE {r("bi_service")} LOGIN IN ROLE {r("bi_readers")};
            CREATE ROLE {r("agency")} LOGIN IN ROLE {r("marketing")};
            CREATE ROLE {r("auditor")} LOGIN NOINHERIT IN ROLE {r("bi_readers")};
            CREATE ROLE {r("lowpriv")} LOGIN;
            CREATE SCHEMA {s} AUTHORIZATION {r("owner")};
            SET ROLE {r("owner")};
            CREATE TABLE {s}.customers (id serial PRIMARY KEY, name text NOT NULL, email text,
                                        country char(2));
            CREATE TABLE {s}.contacts (id serial PRIMARY KEY, customer_id int, full_name text,
                                       phone varchar(30));
            CREATE TABLE {s}.payments (id bigserial PRIMARY KEY, customer_id int, card_number text,
                                       amount numeric(12,2), paid_at timestamptz);
            CREATE TABLE {s}.support_cases (id serial PRIMARY KEY, customer_id int, subject text, body text,
                                            owner_team text);
            CREATE VIEW {s}.customer_emails AS SELECT id, email FROM {s}.customers;
            COMMENT ON COLUMN {s}.customers.email IS 'Primary e-mail address';
            COMMENT ON COLUMN {s}.payments.card_number IS 'PAN, tokenised at rest';
            ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT ON TABLES TO {r("marketing")};
            RESET ROLE;
            GRANT USAGE ON SCHEMA {s}
                TO {r("sales")}, {r("marketing")}, {r("support")}, {r("bi_readers")}, {r("lowpriv")};
            GRANT SELECT ON {s}.customers, {s}.contacts TO {r("sales")};
            GRANT UPDATE ON {s}.contacts TO {r("sales")};
            GRANT SELECT (id, email, country) ON {s}.customers TO {r("marketing")};
            GRANT SELECT ON {s}.support_cases, {s}.customers TO {r("support")};
            GRANT SELECT ON {s}.payments TO {r("bi_readers")};
            GRANT SELECT ON {s}.support_cases TO PUBLIC;
            GRANT SELECT ON {s}.contacts TO {r("orphan")};
            GRANT SELECT ON {s}.customers TO {r("lowpriv")};
            ALTER TABLE {s}.support_cases ENABLE ROW LEVEL SECURITY;
            CREATE POLICY support_own ON {s}.support_cases FOR SELECT TO {r("support")}
                USING (owner_team = 'support');
            INSERT INTO {s}.customers (name, email, country)
                SELECT 'Customer ' || g, 'c' || g || '@example.com', 'DE'
                FROM generate_series(1, {BIG_ROWS}) g;
            INSERT INTO {s}.payments (customer_id, card_number, amount)
                SELECT g, '4111111111111111', g FROM generate_series(1, 50) g;
            ANALYZE {s}.customers
            """,
        )
        hostile = HOSTILE.replace('"', '""')
        sql(conn, f"SET ROLE {r('owner')}")
        sql(conn, f'CREATE TABLE {s}."{hostile}" (id int, "we""ird" text)')
        sql(conn, f"INSERT INTO {s}.\"{hostile}\" VALUES (1, 'one')")
        sql(conn, "RESET ROLE")


def _drop_pg(crm: Crm) -> None:
    s, r = crm.schema, crm.role
    with admin(PG_URL, "PostgreSQL") as conn:
        sql(conn, f"DROP SCHEMA IF EXISTS {s} CASCADE")
        for base in _PG_ROLES:
            if sql(conn, f"SELECT 1 FROM pg_roles WHERE rolname = '{r(base)}'"):
                sql(conn, f"DROP OWNED BY {r(base)}")
                sql(conn, f"DROP ROLE {r(base)}")


# -- MySQL / MariaDB ------------------------------------------------------------------------------------


@pytest.fixture
def mysql_crm() -> Iterator[Crm]:
    admin_engine(MYSQL_URL, "MySQL/MariaDB")
    sfx = unique_suffix()
    crm = Crm("mysql", MYSQL_URL, f"crm_{sfx}", sfx)
    try:
        _create_mysql(crm)
        yield crm
    finally:
        _drop_mysql(crm)


def _create_mysql(crm: Crm) -> None:
    d, r = crm.schema, crm.role
    with admin(MYSQL_URL, "MySQL/MariaDB") as conn:
        run(
            conn,
            f"""
            CREATE DATABASE {d};
            CREATE TABLE {d}.customers (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL,
                email varchar(200) COMMENT 'Primary e-mail address', country char(2), vip tinyint(1));
            CREATE TABLE {d}.contacts (id int AUTO_INCREMENT PRIMARY KEY, customer_id int,
                full_name varchar(100), phone varchar(30));
            CREATE TABLE {d}.payments (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int,
                card_number varchar(19) COMMENT 'PAN, tokenised at rest', amount decimal(12,2),
                paid_at datetime);
            CREATE TABLE {d}.support_cases (id int AUTO_INCREMENT PRIMARY KEY, customer_id int, subject text,
                body text, owner_team varchar(20));
            CREATE TABLE {d}.notes_nopk (body varchar(100));
            CREATE VIEW {d}.customer_emails AS SELECT id, email FROM {d}.customers;
            CREATE ROLE {r("sales")}; CREATE ROLE {r("marketing")}; CREATE ROLE {r("support")};
            CREATE ROLE {r("bi_readers")};
            CREATE USER '{r("bi_service")}'@'%'; CREATE USER '{r("agency")}'@'%';
            CREATE USER '{r("lowpriv")}'@'%' IDENTIFIED BY '{PASSWORD}';
            GRANT SELECT ON {d}.customers TO {r("sales")}; GRANT SELECT ON {d}.contacts TO {r("sales")};
            GRANT UPDATE ON {d}.contacts TO {r("sales")};
            GRANT {r("marketing")} TO {r("sales")};
            GRANT SELECT (id, email, country) ON {d}.customers TO {r("marketing")};
            GRANT SELECT ON {d}.* TO {r("support")};
            GRANT SELECT ON {d}.payments TO {r("bi_readers")};
            GRANT {r("bi_readers")} TO '{r("bi_service")}'@'%';
            SET DEFAULT ROLE {r("bi_readers")} FOR '{r("bi_service")}'@'%';
            GRANT {r("marketing")} TO '{r("agency")}'@'%';
            GRANT SELECT ON {d}.customers TO '{r("lowpriv")}'@'%';
            CREATE USER ''@'{crm.anonymous_host}';
            GRANT SELECT ON {d}.contacts TO ''@'{crm.anonymous_host}'
            """,
        )
        try:
            sql(conn, f"GRANT SELECT ON {d}.support_cases TO PUBLIC")
        except Exception:  # noqa: BLE001 - the driver's own error class
            crm.public_grants = False  # MySQL and MariaDB < 10.11 have no PUBLIC
        rows = [(f"Customer {i}", f"c{i}@example.com", "DE") for i in range(BIG_ROWS)]
        for start in range(0, BIG_ROWS, 500):
            conn.execute(
                sa.text(f"INSERT INTO {d}.customers (name, email, country) VALUES (:a, :b, :c)"),
                [{"a": a, "b": b, "c": c} for a, b, c in rows[start : start + 500]],
            )
            conn.execute(
                sa.text(f"INSERT INTO {d}.notes_nopk VALUES (:a)"),
                [{"a": a} for a, _, _ in rows[start : start + 500]],
            )
        sql(conn, f"ANALYZE TABLE {d}.customers, {d}.notes_nopk")
        sql(conn, f'CREATE TABLE {d}.`{HOSTILE}` (id int, `we"ird` text)')
        sql(conn, f"INSERT INTO {d}.`{HOSTILE}` VALUES (1, 'one')")


def _drop_mysql(crm: Crm) -> None:
    d, r = crm.schema, crm.role
    with admin(MYSQL_URL, "MySQL/MariaDB") as conn:
        if crm.public_grants:
            try:
                sql(conn, f"REVOKE SELECT ON {d}.support_cases FROM PUBLIC")
            except Exception:  # noqa: BLE001
                pass  # the setup failed before granting it
        for base in ("bi_service", "agency", "lowpriv"):
            sql(conn, f"DROP USER IF EXISTS '{r(base)}'@'%'")
        sql(conn, f"DROP USER IF EXISTS ''@'{crm.anonymous_host}'")
        for base in ("sales", "marketing", "support", "bi_readers"):
            sql(conn, f"DROP ROLE IF EXISTS {r(base)}")
        sql(conn, f"DROP DATABASE IF EXISTS {d}")


@pytest.fixture(
    params=[
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def crm(request: pytest.FixtureRequest) -> Crm:
    return request.getfixturevalue("pg_crm" if request.param == "postgresql" else "mysql_crm")


def _ref(connector: SqlConnector, name: str) -> TableRef:
    return next(t for t in connector.tables() if t.name == name)


# -- Connector behaviour on both servers -----------------------------------------------------------------


def test_tables_views_and_schema(crm: Crm) -> None:
    with crm.connector() as connector:
        tables = connector.tables()
    names = [(t.name, t.kind) for t in tables]
    assert ("customer_emails", "view") in names and ("customers", "table") in names
    assert names == sorted(names, key=lambda item: item[0])
    assert {t.schema for t in tables} == {crm.schema}
    assert {"customers", "contacts", "payments", "support_cases", HOSTILE} <= {t.name for t in tables}


def test_columns_types_and_comments(crm: Crm) -> None:
    with crm.connector() as connector:
        cols = {c.name: c for c in connector.columns(_ref(connector, "customers"))}
        pay = {c.name: c for c in connector.columns(_ref(connector, "payments"))}
    assert cols["email"].comment == "Primary e-mail address"
    assert cols["name"].comment is None
    assert pay["card_number"].comment == "PAN, tokenised at rest"
    assert (cols["id"].data_type, cols["name"].data_type, cols["country"].data_type) == (
        "integer",
        "string",
        "string",
    )
    assert (pay["amount"].data_type, pay["paid_at"].data_type) == ("decimal", "datetime")
    assert cols["name"].nullable is False and cols["email"].nullable is True


def test_write_through_the_connection_fails(crm: Crm) -> None:
    with crm.connector() as connector:
        for statement in (
            f"INSERT INTO {crm.schema}.customers (name) VALUES ('intruder')",
            f"UPDATE {crm.schema}.customers SET name = 'x'",
            f"DROP TABLE {crm.schema}.payments",
        ):
            with connector.connection() as conn, pytest.raises(sa.exc.DBAPIError, match="(?i)read.only"):
                conn.exec_driver_sql(statement)
    with admin(crm.url, "server") as conn:
        assert sql(conn, f"SELECT count(*) FROM {crm.schema}.customers") == [(BIG_ROWS,)]


def test_counts_exact_below_limit_and_estimated_above(crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    with crm.connector() as connector:
        exact = connector.row_count(_ref(connector, "customers"))
        view = connector.row_count(_ref(connector, "customer_emails"))
    assert (exact.value, exact.exact, exact.method) == (BIG_ROWS, True, "count")
    assert (view.value, view.exact) == (BIG_ROWS, True)  # views keep no statistics: counted
    monkeypatch.setattr(sql_module, "EXACT_COUNT_LIMIT", 100)
    with crm.connector() as connector:
        estimate = connector.row_count(_ref(connector, "customers"))
    assert estimate.exact is False and estimate.method == "metadata"
    assert 0.5 * BIG_ROWS <= (estimate.value or 0) <= 1.5 * BIG_ROWS


def test_small_table_sampling_is_seeded(crm: Crm) -> None:
    with crm.connector() as connector:
        ref = _ref(connector, "customers")
        first = connector.sample(ref, 40, seed=7)
        pd.testing.assert_frame_equal(first, connector.sample(ref, 40, seed=7))
        other = connector.sample(ref, 40, seed=8)
        view = connector.sample(_ref(connector, "customer_emails"), 40, seed=7)
        pd.testing.assert_frame_equal(view, connector.sample(_ref(connector, "customer_emails"), 40, seed=7))
    assert len(first) == 40 and first["id"].is_unique
    assert set(first["id"]) != set(other["id"])
    assert sorted(first["id"]) != list(range(1, 41)) and max(first["id"]) > BIG_ROWS / 2
    assert list(first.columns) == [
        "id",
        "name",
        "email",
        "country",
        *(["vip"] if crm.kind == "mysql" else []),
    ]


def _assert_big_sample_seeded(crm: Crm, table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_postgres, "SMALL_TABLE_ROWS", 100)  # 3000 rows now count as "big"
    monkeypatch.setattr(sql_mysql, "SMALL_TABLE_ROWS", 100)
    with crm.connector() as connector:
        ref = _ref(connector, table)
        first = connector.sample(ref, 200, seed=3)
        pd.testing.assert_frame_equal(first, connector.sample(ref, 200, seed=3))
        other = connector.sample(ref, 200, seed=4)
    assert len(first) == 200 and not first.equals(other)
    assert first.iloc[:, 0].is_unique


def test_big_table_sampling_is_pushed_down_and_seeded(crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: TABLESAMPLE BERNOULLI(p) REPEATABLE(seed). MySQL: random primary-key probes."""
    _assert_big_sample_seeded(crm, "customers", monkeypatch)


@pytest.mark.mysql
def test_big_keyless_mysql_table_uses_seeded_rand_filter(
    mysql_crm: Crm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No integer primary key: ``WHERE RAND(seed) < p``, then a seeded subsample in Python."""
    _assert_big_sample_seeded(mysql_crm, "notes_nopk", monkeypatch)


def test_hostile_table_name(crm: Crm) -> None:
    with crm.connector() as connector:
        ref = _ref(connector, HOSTILE)
        assert [c.name for c in connector.columns(ref)] == ["id", 'we"ird']
        assert connector.row_count(ref).value == 1
        assert connector.sample(ref, 5, seed=1)['we"ird'].tolist() == ["one"]
    with admin(crm.url, "server") as conn:
        assert sql(conn, f"SELECT count(*) FROM {crm.schema}.customers") == [(BIG_ROWS,)]


def test_parallel_sampling_is_thread_safe(crm: Crm) -> None:
    with crm.connector() as connector:
        refs = [
            t
            for t in connector.tables()
            if t.name in ("customers", "contacts", "payments", "customer_emails")
        ]
        sequential = [connector.sample(t, 30, seed=2) for t in refs]
        with ThreadPoolExecutor(max_workers=4) as pool:
            parallel = list(pool.map(lambda t: connector.sample(t, 30, 2), refs * 3))
            counts = list(pool.map(connector.row_count, refs * 3))
    for i, frame in enumerate(parallel):
        pd.testing.assert_frame_equal(frame, sequential[i % len(refs)])
    assert all(c.value is not None for c in counts)


def test_permission_denied_names_table_and_hides_password(crm: Crm) -> None:
    database = {"database": crm.schema} if crm.kind == "mysql" else {}
    url = url_with(crm.url, username=crm.role("lowpriv"), password=PASSWORD, **database)
    with SqlConnector(url, schema=crm.schema) as connector:
        assert PASSWORD not in connector.label
        assert len(connector.sample(_ref(connector, "customers"), 5, seed=1)) == 5
        payments = TableRef(connector.label, "payments", crm.schema)
        with pytest.raises(ConnectorError) as info:
            connector.sample(payments, 5, seed=1)
    message = str(info.value)
    assert f"permission denied on {crm.schema}.payments" in message
    assert "grant SELECT" in message and "--exclude" in message
    assert PASSWORD not in message and "4111" not in message and "\n" not in message


def test_unreachable_server_is_one_clear_error(crm: Crm) -> None:
    url = url_with(crm.url, host="127.0.0.1", port=1, password=PASSWORD)
    with pytest.raises(ConnectorError, match="cannot connect") as info:
        SqlConnector(url)
    assert PASSWORD not in str(info.value)


def test_query_timeout_stops_slow_views(crm: Crm) -> None:
    body = "SELECT 1 AS s FROM pg_sleep(3)" if crm.kind == "postgresql" else "SELECT SLEEP(3) AS s"
    with admin(crm.url, "server") as conn:
        sql(conn, f"CREATE VIEW {crm.schema}.slow AS {body}")
    with crm.connector(query_timeout=0.3) as connector:
        with pytest.raises(ConnectorError, match=r"took longer than 0\.3 s"):
            connector.sample(_ref(connector, "slow"), 1, seed=1)
        assert len(connector.sample(_ref(connector, "contacts"), 1, seed=1)) == 0


# -- Grants: the exact read paths ------------------------------------------------------------------------


def _ours(crm: Crm, gs: GrantSet) -> tuple[set[tuple[str, str, str | None]], list[ReadPath]]:
    """Read paths of this test's principals (and PUBLIC) as (principal, table, column) triples."""
    paths = [
        p
        for p in effective_read_paths(gs)
        if p.schema == crm.schema and (p.principal == PUBLIC or crm.sfx in p.principal)
    ]
    return {(p.principal, p.table, p.column) for p in paths}, paths


def _one(paths: list[ReadPath], principal: str, table: str, column: str | None = None) -> list[ReadPath]:
    return [p for p in paths if (p.principal, p.table, p.column) == (principal, table, column)]


@pytest.mark.postgres
def test_postgres_read_paths_are_exact(pg_crm: Crm) -> None:
    crm, r = pg_crm, pg_crm.role
    with crm.connector() as connector:
        gs = connector.grants()
    assert gs is not None and gs.source == "postgresql" and gs.complete
    triples, paths = _ours(crm, gs)
    whole = lambda who, *tables: {(r(who), t, None) for t in tables}  # noqa: E731
    cols = lambda who, table, *names: {(r(who), table, c) for c in names}  # noqa: E731
    tables = ("customers", "contacts", "payments", "support_cases", "customer_emails", HOSTILE)
    expected = (
        whole("owner", *tables)
        | whole("sales", "customers", "contacts", "support_cases")
        | cols("marketing", "customers", "id", "email", "country")
        | whole("marketing", "support_cases", HOSTILE)
        | cols("agency", "customers", "id", "email", "country")
        | whole("agency", "support_cases", HOSTILE)
        | whole("support", "customers", "support_cases")
        | whole("bi_readers", "payments", "support_cases")
        | whole("bi_service", "payments", "support_cases")
        | whole("auditor", "payments", "support_cases")
        | whole("lowpriv", "customers", "support_cases")
    )
    # orphan has SELECT on contacts but no USAGE on the schema; PUBLIC has SELECT on support_cases but no
    # USAGE either, so it reaches only the roles that have USAGE themselves. The hostile table was created
    # after ALTER DEFAULT PRIVILEGES, so marketing (and agency through it) can read it.
    assert triples == expected

    assert {p.via for p in _one(paths, r("bi_service"), "payments")} == {(r("bi_readers"),)}
    assert {p.via for p in _one(paths, r("agency"), "customers", "email")} == {(r("marketing"),)}
    assert {p.via for p in _one(paths, r("sales"), "support_cases")} == {(PUBLIC,)}
    assert all(p.requires_set_role for p in paths if p.principal == r("auditor"))  # NOINHERIT
    assert not any(p.requires_set_role for p in paths if p.principal == r("bi_service"))
    assert {p.basis for p in paths if p.principal == r("owner") and not p.via} == {"owner"}
    assert {p.object_type for p in _one(paths, r("marketing"), "customers", "id")} == {"column"}
    # Row-level security on support_cases: support sees its policy's rows, others with SELECT see none,
    # the owner is exempt.
    support_rows = {(p.via, p.row_filter, p.rows_visible) for p in _one(paths, r("support"), "support_cases")}
    assert support_rows == {((), ("support_own",), True), ((PUBLIC,), ("support_own",), True)}
    assert {p.rows_visible for p in _one(paths, r("sales"), "support_cases")} == {False}
    assert {(p.row_filter, p.rows_visible) for p in _one(paths, r("owner"), "support_cases")} == {((), True)}

    superusers = [p for p in effective_read_paths(gs) if p.schema == crm.schema and p.principal == "postgres"]
    assert {p.table for p in superusers} == set(tables) and {p.basis for p in superusers} == {"superuser"}
    assert gs.principals[r("agency")].can_login and gs.principals[r("bi_readers")].member_count == 2
    assert (
        DefaultPrivilege(r("owner"), crm.schema, "table", r("marketing"), ("SELECT",))
        in gs.default_privileges
    )
    assert any(pol.name == "support_own" and pol.roles == (r("support"),) for pol in gs.policies)


@pytest.mark.mysql
def test_mysql_read_paths_are_exact(mysql_crm: Crm) -> None:
    crm, r, a = mysql_crm, mysql_crm.role, mysql_crm.account
    with crm.connector() as connector:
        gs = connector.grants()
    assert gs is not None and gs.source == "mysql" and gs.complete
    triples, paths = _ours(crm, gs)
    tables = ("customers", "contacts", "payments", "support_cases", "notes_nopk", "customer_emails", HOSTILE)
    expected = (
        {(r("sales"), t, None) for t in ("customers", "contacts")}
        | {
            (name, "customers", c)
            for name in (r("sales"), r("marketing"), a("agency"))
            for c in ("id", "email", "country")
        }
        | {(r("support"), t, None) for t in tables}  # GRANT SELECT ON db.* expands to every table and view
        | {(r("bi_readers"), "payments", None), (a("bi_service"), "payments", None)}
        | {(a("lowpriv"), "customers", None), (f"''@{crm.anonymous_host}", "contacts", None)}
        | ({(PUBLIC, "support_cases", None)} if crm.public_grants else set())
    )
    assert triples == expected

    assert {p.via for p in _one(paths, a("bi_service"), "payments")} == {(r("bi_readers"),)}
    assert not any(p.requires_set_role for p in _one(paths, a("bi_service"), "payments"))  # default role
    assert all(p.requires_set_role for p in paths if p.principal == a("agency"))  # granted, not default
    assert {p.via for p in _one(paths, r("sales"), "customers", "email")} == {(r("marketing"),)}
    assert {p.object_type for p in _one(paths, r("support"), "payments")} == {"schema"}
    agency = gs.principals[a("agency")]
    assert agency.host == "%" and "any-host" in agency.flags and agency.kind == "user"
    anonymous = gs.principals[f"''@{crm.anonymous_host}"]
    assert anonymous.kind == "anonymous" and "anonymous" in anonymous.flags and anonymous.can_login
    marketing = gs.principals[r("marketing")]
    assert marketing.kind == "role" and (marketing.member_count or 0) >= 2  # + the creating admin account


@pytest.mark.mysql
def test_mysql_grants_fall_back_when_grant_tables_are_hidden(mysql_crm: Crm) -> None:
    """An account without SELECT on mysql.* sees only its own privileges, and the GrantSet says so."""
    crm = mysql_crm
    url = url_with(crm.url, username=crm.role("lowpriv"), password=PASSWORD, database=crm.schema)
    with SqlConnector(url, schema=crm.schema) as connector:
        gs = connector.grants()
    assert gs is not None and not gs.complete and "mysql.* grant tables" in gs.notes[0]
    triples, _ = _ours(crm, gs)
    assert triples == {(crm.account("lowpriv"), "customers", None)}
