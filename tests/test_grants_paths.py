"""effective_read_paths: role chains, PUBLIC, schema USAGE, superusers, row-level security, patterns.

The server tests check the same logic end to end through real catalogs; these cases pin down the rules
that are awkward to set up on a shared server (forced RLS, cycles, restrictive policies).
"""

from __future__ import annotations

from crmscan.grants import (
    PUBLIC,
    Grant,
    GrantSet,
    Membership,
    Principal,
    RlsPolicy,
    effective_read_paths,
    readers,
)

CATALOG = {
    ("crm", "contacts"): ("id", "email"),
    ("crm", "payments"): ("id", "card"),
    ("hr", "staff"): ("id",),
}


def _pg(*grants: Grant, memberships: tuple[Membership, ...] = (), **extra: object) -> GrantSet:
    gs = GrantSet(source="postgresql", requires_schema_usage=True, objects=dict(CATALOG), **extra)  # type: ignore[arg-type]
    gs.grants.extend(grants)
    gs.memberships.extend(memberships)
    return gs


def _sel(who: str, table: str, column: str | None = None, schema: str = "crm") -> Grant:
    return Grant(who, "SELECT", "column" if column else "table", "postgresql", schema, table, column)


def _usage(who: str, schema: str = "crm") -> Grant:
    return Grant(who, "USAGE", "schema", "postgresql", schema)


def _triples(gs: GrantSet) -> set[tuple[str, str, str | None]]:
    return {(p.principal, p.table, p.column) for p in effective_read_paths(gs)}


def test_public_with_usage_is_reported_once_as_public() -> None:
    gs = _pg(_usage(PUBLIC), _sel(PUBLIC, "contacts"), principals={"sales": Principal("sales", "role")})
    assert _triples(gs) == {(PUBLIC, "contacts", None)}


def test_public_without_usage_reaches_only_roles_with_usage() -> None:
    gs = _pg(_usage("sales"), _sel(PUBLIC, "contacts"), principals={"hr": Principal("hr", "role")})
    paths = effective_read_paths(gs)
    assert [(p.principal, p.table, p.via) for p in paths] == [("sales", "contacts", (PUBLIC,))]


def test_table_grant_without_schema_usage_is_not_a_read_path() -> None:
    assert _triples(_pg(_sel("orphan", "contacts"))) == set()


def test_role_chains_inherit_and_noinherit() -> None:
    gs = _pg(
        _usage("analysts"),
        _sel("analysts", "payments"),
        memberships=(
            Membership("bi", "analysts"),
            Membership("alice", "bi"),
            Membership("auditor", "analysts", inherit=False),
        ),
    )
    paths = {p.principal: p for p in effective_read_paths(gs)}
    assert paths["alice"].via == ("bi", "analysts") and not paths["alice"].requires_set_role
    assert paths["auditor"].via == ("analysts",) and paths["auditor"].requires_set_role


def test_membership_cycles_terminate() -> None:
    gs = _pg(
        _usage("a"),
        _sel("a", "contacts"),
        memberships=(Membership("a", "b"), Membership("b", "a")),
    )
    assert _triples(gs) == {("a", "contacts", None), ("b", "contacts", None)}


def test_superuser_reads_every_table_and_nothing_else_is_listed() -> None:
    gs = _pg(_usage("root"), _sel("root", "contacts"), principals={"root": Principal("root", "superuser")})
    paths = effective_read_paths(gs)
    assert {(p.table, p.basis, p.column) for p in paths} == {(t, "superuser", None) for _, t in CATALOG}


def test_global_grant_needs_no_usage() -> None:
    gs = _pg(
        Grant("pg_read_all_data", "SELECT", "global", "postgresql", basis="predefined-role"),
        memberships=(Membership("etl", "pg_read_all_data"),),
    )
    etl = [p for p in effective_read_paths(gs) if p.principal == "etl"]
    assert {p.table for p in etl} == {"contacts", "payments", "staff"}
    assert {p.via for p in etl} == {("pg_read_all_data",)}


def test_row_level_security_rules() -> None:
    principals = {
        "owner": Principal("owner", "role"),
        "etl": Principal("etl", "user", bypass_rls=True),
    }
    policies = [
        RlsPolicy("crm", "contacts", "own_rows", ("sales",), "SELECT"),
        RlsPolicy("crm", "contacts", "only_eu", ("support",), "ALL", permissive=False),
        RlsPolicy("crm", "payments", "everyone_sees_own", (PUBLIC,), "ALL"),
        RlsPolicy("crm", "payments", "insert_only", ("sales",), "INSERT"),
    ]
    gs = _pg(
        _usage(PUBLIC),
        *(_sel(who, t) for who in ("owner", "sales", "support", "etl") for t in ("contacts", "payments")),
        principals=principals,
        policies=policies,
        rls={("crm", "contacts"): False, ("crm", "payments"): True},
        owners={("crm", "contacts"): "owner", ("crm", "payments"): "owner"},
    )
    rows = {(p.principal, p.table): (p.row_filter, p.rows_visible) for p in effective_read_paths(gs)}
    assert rows[("owner", "contacts")] == ((), True)  # owner exempt ...
    assert rows[("owner", "payments")] == (
        ("everyone_sees_own",),
        True,
    )  # ... unless FORCE ROW LEVEL SECURITY
    assert rows[("sales", "contacts")] == (("own_rows",), True)
    assert rows[("support", "contacts")] == (("only_eu",), False)  # a restrictive policy alone admits nothing
    assert rows[("sales", "payments")] == (
        ("everyone_sees_own",),
        True,
    )  # INSERT policies do not filter reads
    assert rows[("etl", "contacts")] == ((), True)  # BYPASSRLS


def test_pattern_grants_and_scope() -> None:
    gs = GrantSet(source="mysql", objects=dict(CATALOG))
    gs.grants += [
        Grant("support", "SELECT", "schema", "mysql", "cr?", pattern=True),  # MySQL `cr_`.* wildcard
        Grant("sales", "SELECT", "column", "mysql", "crm", "contacts", "email"),
        Grant("sales", "SELECT", "table", "mysql", "elsewhere", "contacts"),  # not in the scanned scope
    ]
    assert _triples(gs) == {
        ("support", "contacts", None),
        ("support", "payments", None),
        ("sales", "contacts", "email"),
    }


def test_readers_covers_whole_table_and_column_paths() -> None:
    gs = _pg(
        _usage("a"), _usage("b"), _sel("a", "contacts"), _sel("b", "contacts", "email"), _sel("b", "payments")
    )
    paths = effective_read_paths(gs)
    assert {p.principal for p in readers(paths, "crm", "contacts", "email")} == {"a", "b"}
    assert {p.principal for p in readers(paths, "crm", "contacts", "id")} == {"a"}
    assert readers(paths, "hr", "staff", "id") == []
