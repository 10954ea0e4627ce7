"""Health data next to direct identifiers: PHI that is not de-identified.

Raised per table, because the problem is the combination — a diagnosis column is PHI only when
something in the same record says whose diagnosis it is (HIPAA §164.514(b)(2) safe harbor).
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.findings.base import FindingContext, Raised


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK007: a table with health data and at least one direct identifier."""
    direct = set(ctx.weights.identifiability.direct_identifiers)
    for source, table, scores in ctx.tables():
        health = [s for s in scores if "health" in s.view.column.categories]
        if not health:
            continue
        ids = []
        for s in scores:
            types = list(dict.fromkeys(e.type for e in s.view.column.entities if e.type in direct))
            if types:
                ids.append(f"{s.view.column.name} ({', '.join(types)})")
        if not ids:
            continue
        worst = max(health, key=lambda s: (s.score, s.view.column.name))
        yield Raised(
            "RSK007",
            source=source,
            table=table,
            records=worst.view.rows,
            params={
                "columns": ", ".join(s.view.column.name for s in health),
                "identifiers": "; ".join(ids[:4]) + ("; …" if len(ids) > 4 else ""),
            },
            readers=tuple(sorted({r.principal for s in health for r in s.view.readers or ()})),
            score=worst,
        )
