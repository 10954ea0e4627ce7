"""Where a migration file defines each column and grants each read: the file and line findings point at.

Sources that know where things come from (the migration connector) offer ``location(table, column)``
and ``grant_location(principal, table, column)``. :func:`collect` asks them once per scanned column,
while the connector is still open, and keeps the answers in a :class:`Locations` that the policy
evaluator (and the CLI, for the risk engine's findings) read afterwards. Other sources offer neither and
add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crmscan.model import Finding, ScanResult

Location = tuple[str, int]


@dataclass
class Locations:
    """(file, line) by (source, table, column) — column ``None`` for the table — and by reader; and per
    source, its first file (for findings about the whole source)."""

    columns: dict[tuple[str, str, str | None], Location] = field(default_factory=dict)
    grants: dict[tuple[str, str, str, str], Location] = field(default_factory=dict)
    sources: dict[str, Location] = field(default_factory=dict)

    def column(self, source: str, table: str | None, column: str | None) -> Location | None:
        """Where *column* (or, with ``column=None``, *table*; with no table, the source) comes from."""
        if table is None:
            return self.sources.get(source)
        return self.columns.get((source, table, column)) or self.columns.get((source, table, None))

    def grant(self, source: str, table: str, column: str, principal: str) -> Location | None:
        """Where the GRANT that lets *principal* read *column* is."""
        return self.grants.get((source, table, column, principal))

    def for_finding(self, f: Finding, column_readers: Iterable[str] | None = None) -> Location | None:
        """Best location for a finding that has none.

        A finding about some of the column's readers (``readable by PUBLIC``) points at the GRANT to the
        first of them; any other finding — including one that lists everyone who can read the column,
        like "stored in clear text" — at the statement that defined the column.
        """
        everyone = set(column_readers or ())
        if f.table is not None and f.column is not None and f.readers and set(f.readers) < everyone:
            for principal in f.readers:
                found = self.grant(f.source, f.table, f.column, principal)
                if found is not None:
                    return found
        return self.column(f.source, f.table, f.column)


def collect(connector: Any, result: ScanResult, into: Locations) -> None:
    """Record where *connector* defines each of its scanned columns and grants each of their readers.

    Call it after the scan filled ``result.tables`` and ``result.readers`` for this connector and before
    the connector is closed. A source without ``location()`` adds nothing; a failing lookup is skipped
    (a finding without a line is still a finding).
    """
    locate = getattr(connector, "location", None)
    if not callable(locate):
        return
    locate_grant = getattr(connector, "grant_location", None)
    label = connector.label
    files = getattr(connector, "files", None)  # MigrationConnector: [(path, shown name)] in applied order
    if files:
        try:
            into.sources[label] = (str(files[0][1]), 1)
        except (IndexError, TypeError):
            pass
    for table in result.tables:
        if table.ref.source != label:
            continue
        name = table.ref.qualified_name
        _put(into.columns, (label, name, None), locate, table.ref)
        for col in table.columns:
            _put(into.columns, (label, name, col.name), locate, table.ref, col.name)
            if not callable(locate_grant):
                continue
            for reader in result.readers.get((label, name, col.name)) or ():
                key = (label, name, col.name, reader.principal)
                _put(into.grants, key, locate_grant, reader.principal, table.ref, col.name)


def _put(target: dict[Any, Location], key: Any, fn: Any, *args: Any) -> None:
    try:
        found = fn(*args)
    except Exception:  # noqa: BLE001 - a missing line number must never fail the scan
        return
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], str)
        and isinstance(found[1], int)
        and found[1] >= 1
    ):
        target[key] = (found[0], found[1])
