"""Policies as data: the built-in pack, a team's file, loud validation, and evaluation into findings."""

from __future__ import annotations

import re
import sqlite3
import string
from pathlib import Path

import pytest

from crmscan.errors import RuleError
from crmscan.gating.evaluate import evaluate
from crmscan.gating.locations import Locations
from crmscan.gating.policies import PLACEHOLDERS, load_policies
from crmscan.model import (
    ColumnResult,
    EntityMatch,
    Protection,
    Reader,
    RowCount,
    ScanResult,
    ScanSettings,
    Sensitivity,
    TableRef,
    TableResult,
)

DATA = Path(__file__).parent / "data" / "policies"
BAD = sorted((DATA / "bad").glob("*.yaml"))


# -- the built-in pack ---------------------------------------------------------------------------------


def test_builtin_policies_load_with_unique_well_formed_ids() -> None:
    policies = load_policies()
    ids = [p.id for p in policies.policies]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert all(re.fullmatch(r"POL\d{3}", i) for i in ids)
    assert {"POL001", "POL002", "POL003", "POL004", "POL005"} <= set(ids)
    for p in policies.policies:
        assert p.regulations, f"{p.id} cites no regulation"
        assert p.description, f"{p.id} has no description"
        fields = {f for _, f, _, _ in string.Formatter().parse(p.message) if f}
        assert fields <= set(PLACEHOLDERS)
    assert "pci" in policies.tags


# -- loud validation: every bad file names file, line, policy and field ----------------------------------


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_policy_file_is_one_clear_line(path: Path) -> None:
    expect = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(RuleError) as info:
        load_policies([path])
    message = str(info.value)
    assert "\n" not in message
    assert re.search(expect, message), message
    assert message.startswith(str(path))


def test_missing_policy_file() -> None:
    with pytest.raises(RuleError, match=r"nope\.yaml: no such policy file"):
        load_policies([DATA / "nope.yaml"])


def test_team_file_redefines_a_tag_disables_a_builtin_and_adds_policies() -> None:
    policies = load_policies([DATA / "team.yaml"])
    ids = [p.id for p in policies.policies]
    assert "POL005" not in ids and ids[-2:] == ["TEAM001", "TEAM002"]
    assert policies.tags["pci"] == ("billing_vault",)
    assert policies.policy("TEAM001").severity == "medium"


# -- evaluation, condition by condition ----------------------------------------------------------------


def _col(
    name: str,
    entities: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    sensitivity: str = "none",
    protection: str = "none",
) -> ColumnResult:
    return ColumnResult(
        name=name,
        data_type="string",
        categories=list(categories),
        entities=[
            EntityMatch(e, categories[0] if categories else "pii", 0.9, 1.0, 0, 0, "X001", "name")
            for e in entities
        ],
        sensitivity=Sensitivity(sensitivity),
        protection=Protection(protection),
    )


def _result(
    tables: dict[str, list[ColumnResult]], readers: dict[tuple[str, str], list[Reader]] | None = None
) -> ScanResult:
    result = ScanResult("0", "t", "t", ["db"], ScanSettings())
    for name, columns in tables.items():
        kind, _, name = name.rpartition(":")  # "view:contacts_v" is a view
        schema, _, table = name.rpartition(".")
        ref = TableRef("db", table, schema or None, kind or "table")  # type: ignore[arg-type]
        result.tables.append(TableResult(ref, RowCount(10, True, "count"), 0, columns))
        if readers is not None:
            for c in columns:
                result.readers[("db", ref.qualified_name, c.name)] = readers.get(
                    (ref.qualified_name, c.name), []
                )
    return result


PUBLIC = Reader("PUBLIC", "public")
VENDOR = Reader("acme_agency", "role", third_party=True)
ANALYST = Reader("analyst", "role")

CASES = [
    # (id, table, column, readers, expected policy ids)
    ("password clear", "users", _col("password", ("PASSWORD",), ("credential",), "high"), [], {"POL001"}),
    (
        "password hashed by value",
        "users",
        _col("password", ("PASSWORD",), ("credential",), "high", "hashed"),
        [],
        set(),
    ),
    (
        "password hash by name",
        "users",
        _col("password_hash", ("PASSWORD",), ("credential",), "high"),
        [],
        set(),
    ),
    (
        "card outside pci",
        "orders",
        _col("card_number", ("CREDIT_CARD",), ("financial",), "high"),
        [],
        {"POL002"},
    ),
    ("card inside pci", "pci_cards", _col("pan", ("CREDIT_CARD",), ("financial",), "high"), [], set()),
    ("card in pci schema", "pci.cards", _col("pan", ("CREDIT_CARD",), ("financial",), "high"), [], set()),
    ("card masked", "orders", _col("card", ("CREDIT_CARD",), ("financial",), "high", "masked"), [], set()),
    (
        "cvv anywhere",
        "pci_cards",
        _col("cvv", ("CARD_SECURITY_CODE",), ("financial",), "high", "encrypted"),
        [],
        {"POL004"},
    ),
    (
        "health to public",
        "patients",
        _col("diagnosis", ("HEALTH_CONDITION",), ("health",), "high"),
        [PUBLIC],
        {"POL003"},
    ),
    (
        "special to vendor",
        "people",
        _col("religion", ("RELIGION",), ("special",), "high"),
        [VENDOR],
        {"POL003"},
    ),
    (
        "health to analyst",
        "patients",
        _col("diagnosis", ("HEALTH_CONDITION",), ("health",), "high"),
        [ANALYST],
        set(),
    ),
    (
        "email to public",
        "contacts",
        _col("email", ("EMAIL_ADDRESS",), ("pii",), "moderate"),
        [PUBLIC],
        {"POL005"},
    ),
    ("low to public", "contacts", _col("country", ("COUNTRY",), ("pii",), "low"), [PUBLIC], set()),
    ("plain to public", "contacts", _col("id"), [PUBLIC], set()),
    ("ssn clear", "contacts", _col("ssn", ("US_SSN",), ("pii",), "high"), [], {"POL006"}),
    ("ssn tokenized", "contacts", _col("ssn", ("US_SSN",), ("pii",), "high", "tokenized"), [], set()),
    ("ssn to public", "contacts", _col("ssn", ("US_SSN",), ("pii",), "high"), [PUBLIC], {"POL005", "POL006"}),
    ("ssn in a view", "view:contacts_v", _col("ssn", ("US_SSN",), ("pii",), "high"), [], set()),
    ("cvv in a view", "view:pay_v", _col("cvv", ("CARD_SECURITY_CODE",), ("financial",), "high"), [], set()),
    ("view to public", "view:contacts_v", _col("ssn", ("US_SSN",), ("pii",), "high"), [PUBLIC], {"POL005"}),
    (
        "token to vendor",
        "users",
        _col("api_key_hash", ("API_TOKEN",), ("credential",), "high"),
        [VENDOR],
        {"POL007"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_builtin_policy_cases(case: tuple) -> None:  # type: ignore[type-arg]
    _, table, column, readers, expected = case
    result = _result({table: [column]}, {(table.rpartition(":")[2], column.name): readers})
    findings = evaluate(load_policies(), result)
    assert {f.rule_id for f in findings} == expected
    for f in findings:
        assert f.table == table.rpartition(":")[2] and f.column == column.name and f.source == "db"
        assert "\n" not in f.message and f.message


def test_team_policies_match_principal_globs_and_reader_counts() -> None:
    readers = [Reader("bi_reader", "role"), Reader("bi_loader", "service"), ANALYST]
    result = _result(
        {
            "contacts": [
                _col("email", ("EMAIL_ADDRESS",), ("pii",), "moderate"),
                _col("ssn", ("US_SSN",), ("pii",), "high"),
            ]
        },
        {("contacts", "email"): readers, ("contacts", "ssn"): readers},
    )
    findings = {(f.rule_id, f.column): f for f in evaluate(load_policies([DATA / "team.yaml"]), result)}
    assert set(findings) == {("TEAM001", "email"), ("TEAM001", "ssn"), ("TEAM002", "ssn"), ("POL006", "ssn")}
    assert (
        findings[("TEAM001", "email")].message
        == "contacts.email (EMAIL_ADDRESS) is readable by bi_loader, bi_reader"
    )
    assert findings[("TEAM001", "email")].readers == ("bi_loader", "bi_reader")
    assert findings[("TEAM002", "ssn")].message == "contacts.ssn is readable by 3 principals"
    assert findings[("TEAM002", "ssn")].level == "low"


def test_team_pci_tag_replaces_the_builtin_one() -> None:
    result = _result(
        {
            "billing_vault": [_col("pan", ("CREDIT_CARD",), ("financial",), "high")],
            "pci_cards": [_col("pan", ("CREDIT_CARD",), ("financial",), "high")],
        }
    )
    findings = evaluate(load_policies([DATA / "team.yaml"]), result)
    assert [(f.rule_id, f.table) for f in findings] == [("POL002", "pci_cards")]


def test_jurisdictions_filter_citations_not_findings() -> None:
    result = _result({"orders": [_col("card_number", ("CREDIT_CARD",), ("financial",), "high")]})
    (finding,) = evaluate(load_policies(), result, jurisdictions=("gdpr",))
    assert finding.rule_id == "POL002" and finding.regulations == ()
    (finding,) = evaluate(load_policies(), result, jurisdictions=("pci",))
    assert finding.regulations and all(r.startswith("PCI") for r in finding.regulations)


def test_exposure_findings_point_at_the_grant_and_column_findings_at_the_column() -> None:
    result = _result(
        {"contacts": [_col("ssn", ("US_SSN",), ("pii",), "high")]}, {("contacts", "ssn"): [ANALYST, PUBLIC]}
    )
    locations = Locations(
        columns={("db", "contacts", "ssn"): ("m/002.sql", 3), ("db", "contacts", None): ("m/001.sql", 1)},
        grants={("db", "contacts", "ssn", "PUBLIC"): ("m/003.sql", 7)},
    )
    by_rule = {f.rule_id: f for f in evaluate(load_policies(), result, locations)}
    assert by_rule["POL005"].location == ("m/003.sql", 7)
    assert by_rule["POL005"].readers == ("PUBLIC",)
    assert by_rule["POL006"].location == ("m/002.sql", 3)


def test_messages_never_carry_values_only_names() -> None:
    column = _col("notes", ("CREDIT_CARD",), ("financial",), "high")
    result = _result({"orders": [column]})
    (finding,) = evaluate(load_policies(), result)
    assert finding.message == "orders.notes holds card numbers outside a table tagged pci"


# -- the real path: SQLite through connector, classifier and policies -----------------------------------


def test_policies_on_a_real_sqlite_scan(tmp_path: Path, classifier) -> None:  # type: ignore[no-untyped-def]
    from crmscan.scan import run_scan

    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE users (id INTEGER, email TEXT, password TEXT, password_hash TEXT)")
        con.execute("CREATE TABLE payments (id INTEGER, card_number TEXT, cvv TEXT, card_last4 TEXT)")
        con.execute("CREATE TABLE pci_vault (id INTEGER, card_number TEXT)")
        con.execute("CREATE TABLE customers (id INTEGER, full_name TEXT, ssn TEXT, status TEXT)")
    result = run_scan([str(db)], ScanSettings(schema_only=True), classifier)
    findings = evaluate(load_policies(), result)
    assert sorted((f.rule_id, f.table, f.column) for f in findings) == [
        ("POL001", "users", "password"),
        ("POL002", "payments", "card_number"),
        ("POL004", "payments", "cvv"),
        ("POL006", "customers", "ssn"),
    ]
    again = evaluate(load_policies(), run_scan([str(db)], ScanSettings(schema_only=True), classifier))
    assert [f.fingerprint for f in again] == [f.fingerprint for f in findings]


def test_locations_are_collected_from_a_migration_connector(tmp_path: Path, classifier) -> None:  # type: ignore[no-untyped-def]
    from crmscan.connectors.migrations import MigrationConnector
    from crmscan.gating.locations import collect
    from crmscan.model import Finding
    from crmscan.scan import _attach_grants, _scan_source

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text(
        "CREATE TABLE customers (\n  id integer,\n  email text\n);\nCREATE ROLE analyst;\n", encoding="utf-8"
    )
    (folder / "002_more.sql").write_text(
        "ALTER TABLE customers ADD COLUMN ssn char(11);\nGRANT SELECT ON customers TO analyst;\n",
        encoding="utf-8",
    )
    connector = MigrationConnector(folder, label="migrations")
    result = ScanResult("0", "t", "t", ["migrations"], ScanSettings(schema_only=True))
    _scan_source(connector, ScanSettings(schema_only=True), classifier, result, 1, None)
    _attach_grants(connector, None, result)
    locations = Locations()
    collect(connector, result, locations)
    base = folder.as_posix()
    assert locations.column("migrations", "customers", "email") == (f"{base}/001_init.sql", 1)
    assert locations.column("migrations", "customers", "ssn") == (f"{base}/002_more.sql", 1)
    assert locations.grant("migrations", "customers", "ssn", "analyst") == (f"{base}/002_more.sql", 2)
    assert locations.column("migrations", None, None) == (f"{base}/001_init.sql", 1)
    source_wide = Finding("RSK999", "low", "t", "m", "migrations")
    assert locations.for_finding(source_wide) == (f"{base}/001_init.sql", 1)
    exposed = Finding("RSK998", "low", "t", "m", "migrations", "customers", "ssn", readers=("analyst",))
    assert locations.for_finding(exposed, ["analyst", "PUBLIC"]) == (f"{base}/002_more.sql", 2)
    # a finding that lists every reader is about the column itself (e.g. stored in clear text)
    assert locations.for_finding(exposed, ["analyst"]) == (f"{base}/002_more.sql", 1)


def test_sources_without_locations_add_nothing() -> None:
    from crmscan.gating.locations import collect

    class Plain:
        label = "db"

    locations = Locations()
    collect(Plain(), ScanResult("0", "t", "t", ["db"], ScanSettings()), locations)
    assert locations == Locations()
