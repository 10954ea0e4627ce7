"""Attach access grants to a scan: who can effectively read each scanned column.

Grants come from the source itself (``SqlConnector.grants()`` for PostgreSQL and MySQL) and/or from a
grants file or Salesforce permission export given with ``--grants``. A file's principals are layered
over the database's (member counts, third parties, MFA, purpose), or stand alone for sources that keep
no grants (SQLite, CSV exports).
"""

from __future__ import annotations

from pathlib import Path

from crmscan.errors import UsageError
from crmscan.grants import GrantSet, effective_read_paths, merge
from crmscan.grants.model import READ
from crmscan.model import Reader, TableResult


def load_grants(path: Path) -> GrantSet:
    """Load ``--grants FILE``: a grants file (YAML/CSV) or a Salesforce FieldPermissions export.

    Raises:
        UsageError: the file is missing or malformed (the message names file, entry and field).
    """
    if not path.is_file():
        raise UsageError(
            f"--grants {path}: no such file; give a grants YAML/CSV or a FieldPermissions export"
        )
    if path.suffix.lower() == ".csv" and _is_field_permissions(path):
        from crmscan.grants.salesforce import load_field_permissions

        return load_field_permissions(path)
    from crmscan.grants.file import load_grants_file

    return load_grants_file(path)


def _is_field_permissions(path: Path) -> bool:
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    return "PermissionsRead" in header and "SobjectType" in header


def combine(source_grants: GrantSet | None, file_grants: GrantSet | None) -> GrantSet | None:
    """The grants in force for one source: the database's, a file's, or the file layered over both."""
    if source_grants is None:
        return file_grants
    if file_grants is None:
        return source_grants
    return merge(source_grants, file_grants)


def readers_for(grants: GrantSet, tables: list[TableResult]) -> dict[tuple[str, str, str], list[Reader]]:
    """Who can read each column of *tables* (keyed by source, qualified table name, column)."""
    objects = {(t.ref.schema, t.ref.name): tuple(c.name for c in t.columns) for t in tables}
    known = {(t.ref.schema, t.ref.name): t for t in tables}
    out: dict[tuple[str, str, str], list[Reader]] = {
        (t.ref.source, t.ref.qualified_name, c.name): [] for t in tables for c in t.columns
    }
    for path in effective_read_paths(grants, objects):
        table = known.get((path.schema, path.table))
        if table is None or path.privilege != READ:
            continue
        principal = grants.principal(path.principal)
        reader = Reader(
            principal=path.principal,
            kind=principal.kind,
            privilege=path.privilege,
            via=path.via,
            basis=path.basis,
            object_type=path.object_type,
            row_filter=path.row_filter,
            rows_visible=path.rows_visible,
            requires_set_role=path.requires_set_role,
            third_party=principal.third_party or principal.kind == "third_party",
        )
        columns = [c.name for c in table.columns] if path.column is None else [path.column]
        for column in columns:
            key = (table.ref.source, table.ref.qualified_name, column)
            if key in out:
                out[key].append(reader)
    return {key: _one_per_principal(readers) for key, readers in out.items()}


def _one_per_principal(readers: list[Reader]) -> list[Reader]:
    """Keep each principal's most direct path: a direct grant over one through a role chain."""
    best: dict[str, Reader] = {}
    for r in readers:
        current = best.get(r.principal)
        if current is None or (r.requires_set_role, len(r.via)) < (
            current.requires_set_role,
            len(current.via),
        ):
            best[r.principal] = r
    return sorted(best.values(), key=lambda r: r.principal)
