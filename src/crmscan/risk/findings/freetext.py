"""Government identifiers typed into free text (notes, descriptions, chat transcripts).

Identifiers in a structured column can be masked, encrypted and access-controlled; the same number
pasted into a case note escapes all of that and travels wherever the note goes.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.findings.base import FindingContext, Raised

GOVERNMENT_IDS = frozenset({"US_SSN", "NATIONAL_ID", "CN_RESIDENT_ID", "DRIVER_LICENSE"})


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK009: a free-text column in which the classifier found government identifiers."""
    for s in ctx.scores:
        v = s.view
        hits = [e for e in v.column.entities if e.basis == "text" and e.type in GOVERNMENT_IDS]
        if not hits:
            continue
        share = max(e.match_ratio for e in hits)
        records = None if v.rows is None else max(1, round(v.rows * v.filled * share))
        yield Raised(
            "RSK009",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=records,
            params={"entities": ", ".join(sorted({e.type for e in hits})), "share": share},
            readers=tuple(r.principal for r in v.readers or ()),
            score=s,
        )
