"""The report document: a plain, JSON-ready dict built once from a :class:`ScanResult`.

Every renderer (JSON, HTML, Markdown, terminal) reads this one document, so they cannot disagree
about what was found. Its shape is the public contract described by ``schemas/report.schema.json``;
change it only together with ``SCHEMA_VERSION`` and the schema file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from crmscan.model import CATEGORIES, ColumnResult, ScanResult, Sensitivity, TableResult

#: Major bumps break readers; minor bumps only add fields.
SCHEMA_VERSION = "1.0"


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
            },
        },
        "summary": _summary(tables, len(errors)),
        "tables": [_table(t) for t in tables],
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


def _table(t: TableResult) -> dict[str, Any]:
    return {
        "name": t.ref.qualified_name,
        "source": t.ref.source,
        "schema": t.ref.schema,
        "kind": t.ref.kind,
        "row_count": t.row_count.value,
        "row_count_exact": t.row_count.exact,
        "row_count_method": t.row_count.method,
        "sampled_rows": t.sampled_rows,
        "sensitivity": max((c.sensitivity for c in t.columns), key=lambda s: s.rank, default=Sensitivity.NONE).value,
        "categories": [cat for cat in CATEGORIES if any(cat in c.categories for c in t.columns)],
        "columns": [_column(c) for c in t.columns],
    }


def _column(c: ColumnResult) -> dict[str, Any]:
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
    }
