"""Salesforce field-level security from a FieldPermissions export.

Salesforce keeps field-level security in ``FieldPermissions`` rows (one per permission set or profile,
object and field; ``Field`` is ``Object.Field``). Export it with Data Loader or Workbench, e.g.::

    SELECT Parent.Profile.Name, Parent.Label, Parent.IsOwnedByProfile, SobjectType, Field,
           PermissionsRead, PermissionsEdit
    FROM FieldPermissions WHERE SobjectType IN ('Contact', 'Lead', 'Account')

A row only exists where access was granted, so absence means no access; Edit implies Read. Profiles
appear through their profile-owned permission set, so the principal is the profile name when there is
one, otherwise the permission set's label or name. Objects map to tables, fields to columns.

Principal kinds are guessed from the name (a guest-user profile is ``anonymous``, partner and community
profiles ``third_party``, integration/API profiles ``service``, "System Administrator" ``superuser``);
merge a grants file over the result to correct them and add member counts.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from crmscan.grants.model import Grant, GrantSet, GrantsFileError, Principal, PrincipalKind

_PRINCIPAL_COLUMNS = ("parent.profile.name", "parent.label", "parent.name", "parentid")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}
_KIND_RULES: tuple[tuple[re.Pattern[str], PrincipalKind], ...] = (
    (re.compile(r"guest", re.IGNORECASE), "anonymous"),
    (re.compile(r"partner|community|portal|customer\s+user", re.IGNORECASE), "third_party"),
    (re.compile(r"integration|api\s*only", re.IGNORECASE), "service"),
    (re.compile(r"^system\s+administrator$", re.IGNORECASE), "superuser"),
)


def guess_kind(name: str) -> PrincipalKind:
    """A principal kind from a profile or permission set name; ``role`` when nothing matches."""
    for pattern, kind in _KIND_RULES:
        if pattern.search(name):
            return kind
    return "role"


def load_field_permissions(path: str | Path) -> GrantSet:
    """Read a FieldPermissions CSV export into a :class:`GrantSet` (Read -> SELECT, Edit -> UPDATE).

    Raises:
        GrantsFileError: unreadable file, missing columns or a value that is not true/false; the message
            names the file, the line and the column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GrantsFileError(
            f"{path}: cannot read the FieldPermissions export ({type(exc).__name__})"
        ) from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    index = {name: i for i, name in enumerate(header)}
    missing = [c for c in ("field", "permissionsread") if c not in index]
    principal_cols = [index[c] for c in _PRINCIPAL_COLUMNS if c in index]
    if missing or not principal_cols:
        need = missing[0] if missing else "Parent.Profile.Name or Parent.Label/Parent.Name"
        raise GrantsFileError(
            f"{path}: missing column {need}; export Parent.Profile.Name, Parent.Label, SobjectType, Field, "
            "PermissionsRead and PermissionsEdit from FieldPermissions"
        )
    gs = GrantSet(source="salesforce")
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        principal = next((cells[i].strip() for i in principal_cols if cells[i].strip()), "")
        if not principal:
            raise GrantsFileError(
                f"{path}:{line}: no profile or permission set name; fill Parent.Profile.Name or Parent.Label"
            )
        table, column = _field(path, line, cells[index["field"]].strip(), cells, index)
        can_read = _flag(path, line, "PermissionsRead", cells[index["permissionsread"]])
        can_edit = "permissionsedit" in index and _flag(
            path, line, "PermissionsEdit", cells[index["permissionsedit"]]
        )
        if principal not in gs.principals:
            kind = guess_kind(principal)
            gs.principals[principal] = Principal(principal, kind, third_party=kind == "third_party")
        if can_read or can_edit:  # Salesforce: Edit requires Read
            gs.grants.append(Grant(principal, "SELECT", "column", "salesforce", None, table, column))
        if can_edit:
            gs.grants.append(Grant(principal, "UPDATE", "column", "salesforce", None, table, column))
    return gs


def _field(path: Path, line: int, field: str, cells: list[str], index: dict[str, int]) -> tuple[str, str]:
    """``Contact.Email`` -> (``Contact``, ``Email``); a bare field name takes the object from SobjectType."""
    obj, dot, name = field.partition(".")
    if dot and obj and name:
        return obj, name
    sobject = cells[index["sobjecttype"]].strip() if "sobjecttype" in index else ""
    if field and sobject:
        return sobject, field
    raise GrantsFileError(f"{path}:{line}: column Field must look like Contact.Email (object.field)")


def _flag(path: Path, line: int, column: str, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise GrantsFileError(f"{path}:{line}: column {column} must be true or false")
