"""The report document: a plain, JSON-ready dict built once from a :class:`ScanResult`.

Every renderer (JSON, HTML, Markdown, terminal) reads this one document, so they cannot disagree
about what was found. Its shape is the public contract described by ``schemas/report.schema.json``;
change it only together with ``SCHEMA_VERSION`` and the schema file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from crmscan.model import (
    CATEGORIES,
    LEVELS,
    ColumnResult,
    Finding,
    Reader,
    ScanResult,
    Sensitivity,
    TableResult,
)

#: Major bumps break readers; minor bumps only add fields.
SCHEMA_VERSION = "1.1"


def build_document(result: ScanResult) -> dict[str, Any]:
    """The report as a dict with stable ordering: tables by (source, schema, name), columns in order."""
    tables = sorted(result.tables, key=lambda t: (t.ref.source, t.ref.schema or "", t.ref.name))
    errors = sorted(result.errors, key=lambda e: (e.source, e.table or "", e.column or "", e.stage))
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": {
            "tool": "crmscan",
            "tool_version": result.tool_version,
            "started": result.started,
            "finished": result.finished,
            "sources": list(result.sources),
            "settings": {
                "sample_size": result.settings.sample_size,
                "seed": result.settings.seed,
                "schema_only": result.settings.schema_only,
                "include": list(result.settings.include),
                "exclude": list(result.settings.exclude),
                "nlp_model": result.settings.nlp_model,
            },
        },
        "summary": _summary(tables, len(errors)),
        "tables": [_table(t, result.readers) for t in tables],
        "grants": _grants(result),
        "findings": [finding_dict(f) for f in sorted(result.findings, key=_finding_order)],
        "risk": result.risk,
        "errors": [
            {
                "source": e.source,
                "table": e.table,
                "column": e.column,
                "stage": e.stage,
                "message": e.message,
            }
            for e in errors
        ],
    }


def _summary(tables: list[TableResult], error_count: int) -> dict[str, Any]:
    columns = [c for t in tables for c in t.columns]
    sensitive = [c for c in columns if c.is_sensitive]
    by_category = Counter(cat for c in sensitive for cat in c.categories)
    by_sensitivity = Counter(c.sensitivity.value for c in columns)
    by_entity = Counter(e.type for c in sensitive for e in c.entities)
    return {
        "tables": len(tables),
        "tables_with_sensitive_columns": sum(1 for t in tables if any(c.is_sensitive for c in t.columns)),
        "columns": len(columns),
        "sensitive_columns": len(sensitive),
        "columns_by_category": {cat: by_category.get(cat, 0) for cat in CATEGORIES},
        "columns_by_sensitivity": {s.value: by_sensitivity.get(s.value, 0) for s in Sensitivity},
        "columns_by_entity": dict(sorted(by_entity.items())),
        "rows": sum(t.row_count.value or 0 for t in tables),
        "errors": error_count,
    }


def _table(t: TableResult, readers: dict[tuple[str, str, str], list[Reader]]) -> dict[str, Any]:
    key = (t.ref.source, t.ref.qualified_name)
    return {
        "name": t.ref.qualified_name,
        "source": t.ref.source,
        "schema": t.ref.schema,
        "kind": t.ref.kind,
        "row_count": t.row_count.value,
        "row_count_exact": t.row_count.exact,
        "row_count_method": t.row_count.method,
        "sampled_rows": t.sampled_rows,
        "sensitivity": max(
            (c.sensitivity for c in t.columns), key=lambda s: s.rank, default=Sensitivity.NONE
        ).value,
        "categories": [cat for cat in CATEGORIES if any(cat in c.categories for c in t.columns)],
        "columns": [_column(c, readers.get((*key, c.name))) for c in t.columns],
    }


def _column(c: ColumnResult, readers: list[Reader] | None) -> dict[str, Any]:
    return {
        "name": c.name,
        "data_type": c.data_type,
        "native_type": c.native_type,
        "comment": c.comment,
        "categories": list(c.categories),
        "entities": [
            {
                "type": e.type,
                "category": e.category,
                "confidence": round(e.confidence, 3),
                "match_ratio": round(e.match_ratio, 3),
                "matched": e.matched,
                "sampled": e.sampled,
                "rule_id": e.rule_id,
                "basis": e.basis,
            }
            for e in c.entities
        ],
        "sensitivity": c.sensitivity.value,
        "confidence": round(c.confidence, 3),
        "protection": c.protection.value,
        "evidence": [
            {
                "kind": ev.kind,
                "rule_id": ev.rule_id,
                "detail": ev.detail,
                "matched": ev.matched,
                "sampled": ev.sampled,
                "examples": list(ev.examples),
            }
            for ev in c.evidence
        ],
        "stats": None
        if c.stats is None
        else {
            "sampled": c.stats.sampled,
            "non_null": c.stats.non_null,
            "distinct": c.stats.distinct,
            "mean_length": round(c.stats.mean_length, 1),
        },
        "facts": dict(sorted(c.facts.items())),
        # None: the source says nothing about access (no grants read, no grants file given).
        "readers": None if readers is None else [_reader(r) for r in sorted(readers, key=_reader_order)],
    }


def _reader(r: Reader) -> dict[str, Any]:
    return {
        "principal": r.principal,
        "kind": r.kind,
        "privilege": r.privilege,
        "via": list(r.via),
        "basis": r.basis,
        "object_type": r.object_type,
        "row_filter": list(r.row_filter),
        "rows_visible": r.rows_visible,
        "requires_set_role": r.requires_set_role,
        "third_party": r.third_party,
    }


def _reader_order(r: Reader) -> tuple[str, str, tuple[str, ...]]:
    return (r.principal, r.privilege, r.via)


def _finding_order(f: Finding) -> tuple[int, str, str, str, str]:
    return (LEVELS.index(f.level), f.source, f.table or "", f.column or "", f.rule_id)


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding as the report (and the baseline, SARIF and diff code) sees it."""
    return {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "level": f.level,
        "title": f.title,
        "message": f.message,
        "source": f.source,
        "table": f.table,
        "column": f.column,
        "score": None if f.score is None else round(f.score, 1),
        "factors": dict(f.factors),
        "records": f.records,
        "readers": list(f.readers),
        "regulations": list(f.regulations),
        "remediation": f.remediation,
        "location": None if f.location is None else {"file": f.location[0], "line": f.location[1]},
    }


def _grants(result: ScanResult) -> list[dict[str, Any]]:
    """Per source: its principals (with what they can read that is sensitive) and access controls."""
    out = []
    for source in sorted(result.grants):
        gs: Any = result.grants[source]
        readable: dict[str, set[tuple[str, str]]] = {}
        categories: dict[str, set[str]] = {}
        sensitive = {
            (t.ref.qualified_name, c.name): c.categories
            for t in result.tables
            if t.ref.source == source
            for c in t.columns
            if c.is_sensitive
        }
        for (src, table, column), readers in result.readers.items():
            if src != source or (table, column) not in sensitive:
                continue
            for r in readers:
                readable.setdefault(r.principal, set()).add((table, column))
                categories.setdefault(r.principal, set()).update(sensitive[(table, column)])
        names = sorted(set(gs.principals) | set(readable))
        out.append(
            {
                "source": source,
                "origin": gs.source,
                "complete": gs.complete,
                "notes": list(gs.notes),
                "principals": [
                    _principal(gs.principal(n), readable.get(n, set()), categories.get(n, set()))
                    for n in names
                ],
                "row_level_security": [
                    {
                        "schema": p.schema,
                        "table": p.table,
                        "policy": p.name,
                        "roles": list(p.roles),
                        "command": p.command,
                    }
                    for p in gs.policies
                ],
                "default_privileges": [
                    {
                        "owner": d.owner,
                        "schema": d.schema,
                        "object_type": d.object_type,
                        "grantee": d.grantee,
                        "privileges": list(d.privileges),
                    }
                    for d in gs.default_privileges
                ],
            }
        )
    return out


def _principal(p: Any, readable: set[tuple[str, str]], categories: set[str]) -> dict[str, Any]:
    return {
        "name": p.name,
        "kind": p.kind,
        "member_count": p.member_count,
        "third_party": p.third_party,
        "purpose": p.purpose,
        "department": p.department,
        "mfa": p.mfa,
        "can_login": p.can_login,
        "flags": list(p.flags),
        "sensitive_columns_readable": len(readable),
        "categories_readable": [c for c in CATEGORIES if c in categories],
    }
