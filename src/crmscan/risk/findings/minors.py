"""Children's data: birth dates of people under 14 or 16.

The share comes from the classifier's column facts (``minors_under_<age>``), computed while it held
the sample; the risk engine never sees a date. The youngest limit with enough children is reported,
since PIPL (14) is stricter than GDPR Art. 8 and CCPA (16).
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.factors import minors_limit
from crmscan.risk.findings.base import FindingContext, Raised


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK008: a birth-date column where sampled dates show children."""
    for s in ctx.scores:
        v = s.view
        found = minors_limit(v.column, ctx.weights)
        if found is None:
            continue
        age, share = found
        records = None if v.rows is None else round(v.rows * v.filled * share)
        yield Raised(
            "RSK008",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=records,
            params={"limit": age, "share": share},
            readers=tuple(r.principal for r in v.readers or ()),
            score=s,
        )
