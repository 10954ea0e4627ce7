"""Policies over a scan → :class:`~crmscan.model.Finding` objects, next to the risk engine's.

Each policy is tried on every scanned column; at most one finding per (policy, column), so the
fingerprint (source, table, column, policy id) is unique. Messages are filled from names only (table,
column, entity types, principals), never from data. Findings from a migration source point at the
file and line that introduced the column — or, for a policy about who can read it, at the GRANT.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

from crmscan.gating.locations import Locations
from crmscan.gating.policies import Policy, PolicySet, ReaderMatch, When
from crmscan.model import ColumnResult, Finding, Reader, ScanResult, Sensitivity, TableResult

#: Which ``--jurisdiction`` a regulation citation belongs to, by its first word(s).
_LAW_PREFIX: tuple[tuple[str, str], ...] = (
    ("GDPR", "gdpr"),
    ("CCPA", "ccpa"),
    ("CPRA", "ccpa"),
    ("PIPL", "pipl"),
    ("LGPD", "lgpd"),
    ("HIPAA", "hipaa"),
    ("PCI", "pci"),
    ("GLBA", "glba"),
)


def evaluate(
    policies: PolicySet,
    result: ScanResult,
    locations: Locations | None = None,
    jurisdictions: tuple[str, ...] | None = None,
) -> list[Finding]:
    """Every policy violation in *result*, ordered by (source, table, column, policy id).

    ``jurisdictions`` filters the regulations cited (``None``: cite all); it never drops a finding.
    """
    findings = []
    for table in result.tables:
        for column in table.columns:
            readers = result.readers.get((table.ref.source, table.ref.qualified_name, column.name))
            for policy in policies.policies:
                finding = _check(policy, policies, table, column, readers, locations, jurisdictions)
                if finding is not None:
                    findings.append(finding)
    return sorted(findings, key=lambda f: (f.source, f.table or "", f.column or "", f.rule_id))


def _check(
    policy: Policy,
    policies: PolicySet,
    table: TableResult,
    column: ColumnResult,
    readers: list[Reader] | None,
    locations: Locations | None,
    jurisdictions: tuple[str, ...] | None,
) -> Finding | None:
    when = policy.when
    if not _column_matches(when, policies, table, column):
        return None
    readers = readers or []
    culprits: list[str] = []
    if when.readable_by:
        culprits = sorted(
            {r.principal for r in readers if any(_reader_matches(m, r) for m in when.readable_by)}
        )
        if not culprits:
            return None
    if when.min_readers is not None and len({r.principal for r in readers}) < when.min_readers:
        return None
    source, name = table.ref.source, table.ref.qualified_name
    shown_readers = culprits or sorted({r.principal for r in readers})
    message = policy.message.format(
        source=source,
        table=name,
        column=column.name,
        object=f"{name}.{column.name}",
        entities=", ".join(dict.fromkeys(e.type for e in column.entities)) or "no entity",
        categories=", ".join(column.categories) or "no category",
        sensitivity=column.sensitivity.value,
        protection=column.protection.value,
        readers=_short_list(shown_readers),
        reader_count=len({r.principal for r in readers}),
    )
    location = None
    if locations is not None:
        for principal in culprits:
            location = locations.grant(source, name, column.name, principal)
            if location is not None:
                break
        if location is None:
            location = locations.column(source, name, column.name)
    return Finding(
        rule_id=policy.id,
        level=policy.severity,
        title=policy.title,
        message=" ".join(message.split()),
        source=source,
        table=name,
        column=column.name,
        records=table.row_count.value,
        readers=tuple(culprits),
        regulations=tuple(_cited(policy.regulations, jurisdictions)),
        remediation=" ".join(policy.remediation.split()),
        location=location,
    )


def _column_matches(when: When, policies: PolicySet, table: TableResult, column: ColumnResult) -> bool:
    names = (table.ref.name, table.ref.qualified_name)
    if when.source and not _glob_any([table.ref.source], when.source):
        return False
    if when.table_kind and table.ref.kind not in when.table_kind:
        return False
    if when.table and not _glob_any(names, when.table):
        return False
    if when.not_table and _glob_any(names, when.not_table):
        return False
    if when.table_tag and not any(_glob_any(names, policies.tags[t]) for t in when.table_tag):
        return False
    if when.not_table_tag and any(_glob_any(names, policies.tags[t]) for t in when.not_table_tag):
        return False
    if when.column and not _glob_any([column.name], when.column):
        return False
    if when.not_column and _glob_any([column.name], when.not_column):
        return False
    if when.category and not set(when.category) & set(column.categories):
        return False
    if when.not_category and set(when.not_category) & set(column.categories):
        return False
    entities = [e.type for e in column.entities]
    if when.entity and not _glob_any(entities, when.entity):
        return False
    if when.not_entity and _glob_any(entities, when.not_entity):
        return False
    if when.min_sensitivity is not None and column.sensitivity.rank < Sensitivity(when.min_sensitivity).rank:
        return False
    return not (when.protection and column.protection.value not in when.protection)


def _reader_matches(match: ReaderMatch, reader: Reader) -> bool:
    if match.kind and reader.kind not in match.kind:
        return False
    if match.principal and not _glob_any([reader.principal], match.principal):
        return False
    third_party = reader.third_party or reader.kind == "third_party"
    return match.third_party is None or match.third_party == third_party


def _glob_any(names: Iterable[str], globs: Iterable[str]) -> bool:
    globs = [g.casefold() for g in globs]
    return any(fnmatch.fnmatchcase(n.casefold(), g) for n in names for g in globs)


def _short_list(names: list[str], limit: int = 5) -> str:
    if not names:
        return "nobody"
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def _cited(regulations: list[str], jurisdictions: tuple[str, ...] | None) -> list[str]:
    if jurisdictions is None:
        return list(regulations)
    out = []
    for citation in regulations:
        law = next((key for prefix, key in _LAW_PREFIX if citation.upper().startswith(prefix)), None)
        if law is None or law in jurisdictions:
            out.append(citation)
    return out
