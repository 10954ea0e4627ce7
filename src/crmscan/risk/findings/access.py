"""Excessive access: a reader whose stated purpose does not need the kind of data it can read.

Purposes come from the grants file (``purpose:``); ``rules/risk.yaml`` says which data uses each
purpose needs. A purpose that matches no pattern is not judged — crmscan does not guess what an
unknown job needs — and contact data is not judged by default, since nearly every CRM role needs it.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.model import Protection
from crmscan.risk.context import ColumnView
from crmscan.risk.findings.base import FindingContext, Raised
from crmscan.risk.weights import RiskWeights


def uses_of(view: ColumnView, weights: RiskWeights) -> list[str]:
    """The data uses a column belongs to (``uses`` in ``rules/risk.yaml``), in file order."""
    types = {e.type for e in view.column.entities}
    return [
        name
        for name, use in weights.uses.items()
        if set(use.categories) & set(view.column.categories) or set(use.entities) & types
    ]


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK010: one finding per column, naming every reader whose purpose does not need it."""
    w = ctx.weights
    for s in ctx.scores:
        v = s.view
        restricted = [u for u in uses_of(v, w) if u in w.restricted_uses]
        if not restricted or not v.readers or v.column.protection is not Protection.NONE:
            continue  # masked, hashed, tokenised or encrypted values are what a wide audience may see
        excessive: dict[str, tuple[str, list[str]]] = {}
        for r in v.readers:
            needs = w.purpose_needs(r.purpose) if r.tier != "owner" else None
            if needs is None:
                continue
            extra = [u for u in restricted if u not in needs]
            if extra:
                excessive[r.principal] = (r.purpose or "", extra)
        if not excessive:
            continue
        names = tuple(sorted(excessive))
        uses = list(dict.fromkeys(u for _, extra in excessive.values() for u in extra))
        purposes = "; ".join(dict.fromkeys(f"{n}: {excessive[n][0]}" for n in names))
        worst = next((rs for rs in s.readers if rs.reader.principal in names), None)
        yield Raised(
            "RSK010",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=v.records,
            params={"categories": "/".join(uses), "purposes": purposes},
            readers=names,
            score=s,
            reader_score=worst,
        )
