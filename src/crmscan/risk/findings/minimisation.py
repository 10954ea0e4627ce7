"""Data-minimisation hints: sensitive columns that are almost always empty.

A special-category column filled for 4% of contacts is not low risk because it is sparse: it shows
data collected without a standing purpose (GDPR Art. 5(1)(c)), which is cheapest to fix by not
collecting it at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.findings.base import FindingContext, Raised

JUDGED = ("financial", "health", "special", "credential")


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK011: a sensitive column whose sampled fill rate is below ``thresholds.sparse_share``."""
    t = ctx.weights.thresholds
    for s in ctx.scores:
        v = s.view
        stats = v.column.stats
        if stats is None or stats.sampled < t.sparse_min_sampled:
            continue
        cats = [c for c in JUDGED if c in v.column.categories]
        if not cats and v.column.sensitivity.value != "high":
            continue
        share = stats.non_null / stats.sampled
        if share >= t.sparse_share or stats.non_null == 0:
            continue
        yield Raised(
            "RSK011",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=v.records,
            params={"categories": "/".join(cats or v.column.categories), "share": share},
            readers=tuple(r.principal for r in v.readers or ()),
            score=s,
        )
