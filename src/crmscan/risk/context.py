"""What the risk engine knows about one sensitive column, gathered once from the scan result.

Scoring and every finding family read the same :class:`ColumnView` — records holding a value, the
readers with their tier, head count, purpose and write access — so a rule cannot quietly disagree
with the score about who can read a column or how many records it holds.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from crmscan.model import ColumnResult, Reader, ScanResult, TableResult

#: Privileges that change data (the grants of PostgreSQL and MySQL; a grants file lists reads only).
WRITE_PRIVILEGES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "ALL", "ALL PRIVILEGES"})
#: Principal kinds whose members are counted as "everyone" when no head count is given.
EVERYONE_KINDS = frozenset({"public", "anonymous"})


@dataclass(frozen=True)
class ReaderView:
    """One principal that can read the column, as the risk model sees it.

    ``people`` is the head count behind the principal (its ``member_count``, 1 for a user or service
    without one); ``people_known`` is False when that is a guess. ``write`` is None when the grants do
    not say (a grants file lists reads only).
    """

    principal: str
    kind: str
    tier: str
    people: int
    people_known: bool
    purpose: str | None
    via: tuple[str, ...]
    row_filter: bool
    write: bool | None
    everyone: bool


@dataclass(frozen=True)
class ColumnView:
    """A sensitive column with its table, volume and readers.

    ``readers`` is None when the source has no grants information at all ("exposure unknown"), and
    an empty tuple when grants are known and nobody but the owner can read the column.
    """

    source: str
    table: TableResult
    column: ColumnResult
    rows: int | None
    filled: float
    records: int | None
    readers: tuple[ReaderView, ...] | None
    hidden_readers: tuple[str, ...] = ()

    @property
    def table_name(self) -> str:
        """Qualified table name, as in the report."""
        return self.table.ref.qualified_name

    @property
    def object_name(self) -> str:
        """``table.column`` for messages."""
        return f"{self.table_name}.{self.column.name}"

    @property
    def people(self) -> int:
        """About how many people can read the column (members of a reached role are not re-counted)."""
        if not self.readers:
            return 0
        direct = {r.principal for r in self.readers if r.people_known}
        return sum(r.people for r in self.readers if not (r.via and any(v in direct for v in r.via)))

    @property
    def everyone(self) -> bool:
        """True when PUBLIC or anonymous users can read it without a known head count."""
        return bool(self.readers) and any(r.everyone and not r.people_known for r in self.readers or ())


def tier_of(reader: Reader, principal: Any | None) -> str:
    """The exposure tier of a reader (see ``exposure.tiers`` in ``rules/risk.yaml``)."""
    flags = tuple(getattr(principal, "flags", ()) or ())
    if reader.basis in ("owner", "superuser") or reader.kind == "superuser":
        return "owner"
    if reader.kind == "anonymous" or "anonymous" in flags:
        return "anonymous"
    if reader.kind == "public" or reader.principal == "PUBLIC":
        return "all_authenticated"
    if reader.third_party or reader.kind == "third_party":
        return "third_party"
    return "internal"


def column_views(result: ScanResult) -> Iterator[ColumnView]:
    """Every sensitive column of the scan, in report order (source, schema, table, column order)."""
    tables = sorted(result.tables, key=lambda t: (t.ref.source, t.ref.schema or "", t.ref.name))
    writes = {source: _write_grants(gs) for source, gs in result.grants.items()}
    for table in tables:
        for column in table.columns:
            if column.is_sensitive:
                yield view_of(result, table, column, writes.get(table.ref.source))


def _write_grants(grants: Any) -> list[Any] | None:
    """A source's write grants, once per scan; None when the grants cannot say (a grants file)."""
    found = [g for g in getattr(grants, "grants", ()) if g.privilege.upper() in WRITE_PRIVILEGES]
    if not found and getattr(grants, "source", None) == "grants-file":
        return None  # a grants file lists reads only: say "unknown", not "no"
    return found


def view_of(
    result: ScanResult, table: TableResult, column: ColumnResult, writes: list[Any] | None = None
) -> ColumnView:
    """The :class:`ColumnView` of one column; *writes* are the source's write grants (None: unknown)."""
    rows = table.row_count.value
    stats = column.stats
    filled = stats.non_null / stats.sampled if stats is not None and stats.sampled else 1.0
    text_share = _text_share(column)
    records = None if rows is None else round(rows * filled * text_share)
    key = (table.ref.source, table.ref.qualified_name, column.name)
    raw = result.readers.get(key)
    if raw is None and table.ref.source in result.grants:
        raw = []  # grants are known for the source and nobody was granted this column
    grants = result.grants.get(table.ref.source)
    readers: tuple[ReaderView, ...] | None = None
    hidden: tuple[str, ...] = ()
    if raw is not None:
        visible = [r for r in raw if r.rows_visible]
        hidden = tuple(sorted(r.principal for r in raw if not r.rows_visible))
        if writes is None and grants is not None:
            writes = _write_grants(grants)
        readers = tuple(_reader_view(r, grants, table, writes) for r in visible)
    return ColumnView(table.ref.source, table, column, rows, filled, records, readers, hidden)


def _text_share(column: ColumnResult) -> float:
    """For free text, the share of texts that mention the sensitive content; 1 for a typed column."""
    if column.entities and all(e.basis == "text" for e in column.entities):
        return max((e.match_ratio for e in column.entities), default=1.0) or 1.0
    return 1.0


def _reader_view(
    reader: Reader, grants: Any | None, table: TableResult, writes: list[Any] | None
) -> ReaderView:
    principal = grants.principal(reader.principal) if grants is not None else None
    tier = tier_of(reader, principal)
    count = getattr(principal, "member_count", None)
    everyone = reader.kind in EVERYONE_KINDS or reader.principal == "PUBLIC" or tier == "anonymous"
    return ReaderView(
        principal=reader.principal,
        kind=reader.kind,
        tier=tier,
        people=count if count is not None else 1,
        people_known=count is not None,
        purpose=getattr(principal, "purpose", None),
        via=reader.via,
        row_filter=bool(reader.row_filter),
        write=None if writes is None else _writes(writes, reader, table),
        everyone=everyone,
    )


def _writes(writes: list[Any], reader: Reader, table: TableResult) -> bool:
    """Whether the reader (or a role it reads through) holds one of the write grants on the table."""
    holders = {reader.principal, *reader.via}
    ref = table.ref
    for g in writes:
        if g.principal not in holders:
            continue
        if g.object_type == "global":
            return True
        if g.object_type == "schema" and (g.schema is None or g.schema == ref.schema):
            return True
        if g.table is not None and _same(g.table, ref.name, g.pattern) and (g.schema in (None, ref.schema)):
            return True
    return False


def _same(pattern: str, name: str, glob: bool) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower()) if glob else pattern.lower() == name.lower()
