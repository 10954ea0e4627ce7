"""Roll column scores and findings up to tables, sources and the whole scan.

A roll-up is the worst level plus counts per level — never an average, which would let many
harmless columns hide one critical exposure. Column levels and finding levels are counted separately
because a finding can be worse than its column's score (a stored card security code is critical
whoever can read it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crmscan.model import LEVELS, Finding
from crmscan.risk.scoring import ColumnScore


def counts(levels: Iterable[str]) -> dict[str, int]:
    """Every level with how often it occurs (0 included), most severe first."""
    seen = list(levels)
    return {level: seen.count(level) for level in LEVELS}


def worst(levels: Iterable[str]) -> str:
    """The most severe level; ``info`` for nothing at all."""
    ranks = [LEVELS.index(level) for level in levels]
    return LEVELS[min(ranks)] if ranks else "info"


def rollup(scores: list[ColumnScore], findings: list[Finding]) -> dict[str, Any]:
    """Level, top score and counts for one group of columns and the findings about them."""
    column_levels = [s.level for s in scores]
    finding_levels = [f.level for f in findings]
    return {
        "level": worst(column_levels + finding_levels),
        "score": max((s.score for s in scores), default=0.0),
        "columns_by_level": counts(column_levels),
        "findings_by_level": counts(finding_levels),
    }


def tables(scores: list[ColumnScore], findings: list[Finding]) -> list[dict[str, Any]]:
    """One roll-up per table with sensitive columns, in report order."""
    by_table: dict[tuple[str, str], list[ColumnScore]] = {}
    for s in scores:
        by_table.setdefault((s.view.source, s.view.table_name), []).append(s)
    found: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.table is not None:
            found.setdefault((f.source, f.table), []).append(f)
    out = []
    for (source, table), mine in by_table.items():
        first = mine[0]
        out.append(
            {
                "source": source,
                "table": table,
                "rows": first.view.rows,
                "identifiability": first.identifiability.code,
                **rollup(mine, found.get((source, table), [])),
            }
        )
    return out


def sources(
    result_sources: list[str], scores: list[ColumnScore], findings: list[Finding], known: set[str]
) -> list[dict[str, Any]]:
    """One roll-up per scanned source, with whether its grants were known."""
    out = []
    for source in result_sources:
        mine = [s for s in scores if s.view.source == source]
        found = [f for f in findings if f.source == source]
        out.append({"source": source, "exposure_known": source in known, **rollup(mine, found)})
    return out
