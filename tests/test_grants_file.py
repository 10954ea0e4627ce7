"""Grants files: the shipped example, its JSON Schema, YAML and CSV parsing, and one-line error messages."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from crmscan.grants import PUBLIC, GrantsFileError, Principal, effective_read_paths, merge
from crmscan.grants.file import GrantsDocument, load_grants_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "demo_crm" / "grants.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "grants.schema.json").read_text(encoding="utf-8"))

#: The example CRM's catalog (tables of a SQLite database or an export folder have no schema).
CATALOG = {
    (None, "contacts"): ("id", "full_name", "email", "phone", "country", "marketing_opt_in", "birth_date"),
    (None, "leads"): ("id", "full_name", "email", "source"),
    (None, "accounts"): ("id", "name", "industry", "annual_revenue"),
    (None, "opportunities"): ("id", "account_id", "amount", "stage"),
    (None, "cases"): ("id", "contact_id", "subject", "description", "status", "created_at"),
    (None, "notes"): ("id", "body"),
    (None, "users"): ("id", "full_name", "email", "department"),
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_matches_the_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def test_example_loads_and_resolves_against_the_crm_catalog() -> None:
    gs = load_grants_file(EXAMPLE)
    assert gs.source == "grants-file"
    agency = gs.principals["acme_marketing_agency"]
    assert (
        agency.kind == "third_party"
        and agency.third_party
        and agency.mfa is False
        and agency.member_count == 5
    )
    assert gs.principals[PUBLIC].kind == "public"
    assert gs.principals["bi_service"].kind == "service" and gs.principals["bi_service"].can_login is True

    paths = effective_read_paths(gs, CATALOG)
    reads = {(p.principal, p.table, p.column) for p in paths}
    agency_reads = {(t, c) for who, t, c in reads if who == "acme_marketing_agency"}
    assert agency_reads == {
        ("contacts", "email"),
        ("leads", "email"),
        ("users", "email"),
        ("contacts", "full_name"),
        ("contacts", "country"),
        ("contacts", "marketing_opt_in"),
        ("contacts", None),  # the demo's deliberate over-grant: the whole contacts table
        ("leads", None),
    }
    agency_leads = [
        p for p in paths if (p.principal, p.table, p.column) == ("acme_marketing_agency", "leads", None)
    ]
    assert [p.via for p in agency_leads] == [("marketing",)]
    assert ("sales", "contacts", None) in reads and ("sales", "cases", None) not in reads
    assert (PUBLIC, "users", "full_name") in reads
    assert not any(
        who == "acme_marketing_agency" and t in ("accounts", "opportunities", "cases") for who, t, _ in reads
    )


def test_without_a_catalog_only_literal_names_resolve(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "g.yaml",
        "principals:\n  - name: sales\n"
        "    can_read: [contacts, payments.card_number, '*.email', 'crm.leads.*']\n",
    )
    reads = {(p.schema, p.table, p.column) for p in effective_read_paths(load_grants_file(path))}
    assert reads == {(None, "contacts", None), (None, "payments", "card_number"), ("crm", "leads", None)}


def test_patterns_match_any_schema_case_insensitively(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "g.yaml", "principals:\n  - name: bi\n    can_read: [Contacts.EMAIL, 'crm.*.id']\n"
    )
    catalog = {("crm", "contacts"): ("id", "email"), ("hr", "staff"): ("id", "salary")}
    reads = {(p.schema, p.table, p.column) for p in effective_read_paths(load_grants_file(path), catalog)}
    assert reads == {("crm", "contacts", "email"), ("crm", "contacts", "id")}


def test_csv_grants_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "grants.csv",
        "principal,kind,member_count,third_party,mfa,member_of,can_read\n"
        "sales,role,45,no,yes,,contacts.*\n"
        "sales,,,,,,accounts.*;opportunities.*\n"
        "agency,third_party,5,yes,no,sales,*.email\n",
    )
    gs = load_grants_file(path)
    assert gs.principals["sales"] == Principal("sales", "role", member_count=45, mfa=True)
    assert gs.principals["agency"].third_party and gs.principals["agency"].mfa is False
    reads = {(p.principal, p.table, p.column) for p in effective_read_paths(gs, CATALOG)}
    assert {
        ("sales", "contacts", None),
        ("sales", "accounts", None),
        ("sales", "opportunities", None),
    } <= reads
    assert ("agency", "users", "email") in reads and ("agency", "accounts", None) in reads  # via sales


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "principals:\n  - name: sales\n    mfa: sometimes\n",
            r"g\.yaml: principals\[0\] \(name 'sales'\): field 'mfa': .*valid boolean.*; e\.g\. mfa: no",
        ),
        (
            "principals:\n  - name: sales\n    can_raed: [contacts]\n",
            r"principals\[0\] \(name 'sales'\): field 'can_raed': unknown field \(typo\?\)",
        ),
        (
            "principals:\n  - name: sales\n  - name: agency\n    kind: vendor\n",
            r"principals\[1\] \(name 'agency'\): field 'kind': .*'third_party'.*; e\.g\. kind: third_party",
        ),
        (
            "principals:\n  - name: sales\n    can_read: [contacts.email.x.y]\n",
            r"field 'can_read' item 0: .*'contacts\.email\.x\.y' is not table, table\.column",
        ),
        (
            "principals:\n  - name: sales\n    member_count: -3\n",
            r"field 'member_count': .*greater than or equal to 0",
        ),
        ("principals:\n  - name: a\n  - name: a\n", r"g\.yaml: principal 'a' is listed twice"),
        (
            "principals:\n  - name: agency\n    member_of: [marketing]\n",
            r"principal 'agency' is member_of 'marketing', which is not listed",
        ),
        ("principals: []\n", r"field 'principals': .*at least 1 item"),
        ("version: 2\nprincipals:\n  - name: a\n", r"field 'version': .*; e\.g\. version: 1"),
        ("principals:\n  - name: a\n   kind: role\n", r"g\.yaml:3: not valid YAML"),
        ("- name: a\n", r"g\.yaml: expected a mapping with a 'principals' list"),
    ],
)
def test_malformed_yaml_gives_one_line_naming_file_entry_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = _write(tmp_path, "g.yaml", text)
    with pytest.raises(GrantsFileError, match=expected) as info:
        load_grants_file(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("principal,kind,colour\nsales,role,red\n", r"grants\.csv: unknown column 'colour'"),
        ("kind\nrole\n", r"missing column 'principal'"),
        (
            "principal,kind\nsales,role\nsales,service\n",
            r"grants\.csv:3: principal 'sales' has kind different from line 2",
        ),
        ("principal,mfa\nsales,perhaps\n", r"grants\.csv: line 2 \(principal 'sales'\): field 'mfa'"),
        ("principal,kind\n,role\n", r"grants\.csv:2: column 'principal' is empty"),
    ],
)
def test_malformed_csv_names_the_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(GrantsFileError, match=expected):
        load_grants_file(_write(tmp_path, "grants.csv", text))


def test_unreadable_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(GrantsFileError, match="cannot read the grants file"):
        load_grants_file(tmp_path / "missing.yaml")
    with pytest.raises(GrantsFileError, match=r"\.yaml, \.yml, \.json or \.csv"):
        load_grants_file(_write(tmp_path, "grants.txt", "x"))


@pytest.mark.parametrize(
    "doc",
    [
        {"principals": [{"name": "a", "colour": "red"}]},
        {"principals": [{"name": "a", "kind": "vendor"}]},
        {"principals": [{"name": "a", "member_count": -1}]},
        {"principals": [{"name": "a", "can_read": ["a.b.c.d"]}]},
        {"principals": [{"name": "a", "can_read": ["contacts..email"]}]},
        {"principals": []},
        {"version": 2, "principals": [{"name": "a"}]},
        {"principals": [{"name": ""}]},
        {"extra": 1, "principals": [{"name": "a"}]},
    ],
)
def test_schema_and_model_reject_the_same_documents(doc: dict[str, object]) -> None:
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(doc)
    with pytest.raises(ValueError):
        GrantsDocument.model_validate(doc)


def test_merge_annotates_database_roles(tmp_path: Path) -> None:
    from crmscan.grants import Grant, GrantSet

    db = GrantSet(
        source="postgresql",
        principals={"agency": Principal("agency", "user", can_login=True)},
        grants=[Grant("agency", "SELECT", "table", "postgresql", "crm", "contacts")],
        objects={("crm", "contacts"): ("id", "email")},
    )
    notes = load_grants_file(
        _write(
            tmp_path, "g.yaml", "principals:\n  - name: agency\n    kind: third_party\n    member_count: 4\n"
        )
    )
    merged = merge(db, notes)
    agency = merged.principals["agency"]
    assert (agency.kind, agency.third_party, agency.member_count, agency.can_login) == (
        "third_party",
        True,
        4,
        True,
    )
    assert [(p.principal, p.table) for p in effective_read_paths(merged)] == [("agency", "contacts")]
