"""Salesforce FieldPermissions exports: the shipped example, header variants and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmscan.grants import GrantsFileError, effective_read_paths
from crmscan.grants.salesforce import guess_kind, load_field_permissions

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "salesforce_field_permissions.example.csv"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fls.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_export_becomes_read_paths() -> None:
    gs = load_field_permissions(EXAMPLE)
    assert gs.source == "salesforce"
    kinds = {name: p.kind for name, p in gs.principals.items()}
    assert kinds == {
        "Sales User": "role",
        "Marketing User": "role",
        "Support Agent": "role",
        "Partner Community User": "third_party",
        "Customer Portal Site Guest User": "anonymous",
        "Integration - BI Export": "service",
    }
    assert gs.principals["Partner Community User"].third_party
    reads = {(p.principal, p.table, p.column) for p in effective_read_paths(gs)}
    assert ("Customer Portal Site Guest User", "Contact", "Email") in reads
    assert ("Sales User", "Contact", "Birthdate") in reads
    assert ("Integration - BI Export", "Account", "AnnualRevenue") in reads
    assert ("Marketing User", "Contact", "Phone") not in reads  # no row = no access
    assert len(reads) == 13
    edits = {(g.principal, g.table, g.column) for g in gs.grants if g.privilege == "UPDATE"}
    assert edits == {
        ("Sales User", "Contact", "Email"),
        ("Sales User", "Contact", "Phone"),
        ("Sales User", "Lead", "Email"),
        ("Sales User", "Opportunity", "Amount"),
        ("Support Agent", "Case", "Description"),
    }


def test_header_variants_and_bare_field_names(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "\ufeffPARENT.NAME,SOBJECTTYPE,FIELD,PERMISSIONSREAD,PERMISSIONSEDIT\n"
        "Sales_Ops,Contact,Email,TRUE,FALSE\n"
        "Sales_Ops,Lead,Lead.Phone,1,0\n"
        "Sales_Ops,Lead,Lead.Email,false,false\n"
        "\n",
    )
    gs = load_field_permissions(path)
    assert [(g.principal, g.table, g.column, g.privilege) for g in gs.grants] == [
        ("Sales_Ops", "Contact", "Email", "SELECT"),
        ("Sales_Ops", "Lead", "Phone", "SELECT"),
    ]


def test_edit_implies_read(tmp_path: Path) -> None:
    gs = load_field_permissions(
        _write(tmp_path, "Parent.Label,Field,PermissionsRead,PermissionsEdit\nOps,Case.Subject,false,true\n")
    )
    assert sorted(g.privilege for g in gs.grants) == ["SELECT", "UPDATE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Parent.Label,Field\nOps,Contact.Email\n", r"fls\.csv: missing column permissionsread"),
        (
            "SobjectType,Field,PermissionsRead\nContact,Contact.Email,true\n",
            r"missing column Parent\.Profile\.Name",
        ),
        (
            "Parent.Label,Field,PermissionsRead\nOps,Contact.Email,maybe\n",
            r"fls\.csv:2: column PermissionsRead must be true or false",
        ),
        (
            "Parent.Label,Field,PermissionsRead\n,Contact.Email,true\n",
            r"fls\.csv:2: no profile or permission set name",
        ),
        (
            "Parent.Label,Field,PermissionsRead\nOps,Email,true\n",
            r"fls\.csv:2: column Field must look like Contact\.Email",
        ),
    ],
)
def test_malformed_exports_name_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(GrantsFileError, match=expected) as info:
        load_field_permissions(_write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GrantsFileError, match="cannot read the FieldPermissions export"):
        load_field_permissions(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Site Guest User", "anonymous"),
        ("Gold Partner User", "third_party"),
        ("Customer Community Login User", "third_party"),
        ("Integration User", "service"),
        ("API Only Integration", "service"),
        ("System Administrator", "superuser"),
        ("Customer Service Agent", "role"),
        ("Standard User", "role"),
    ],
)
def test_guess_kind(name: str, kind: str) -> None:
    assert guess_kind(name) == kind
