"""Payment-card rules (PCI DSS Requirement 3): stored security codes, cleartext PANs, broad PAN access.

Card data gets its own family because PCI DSS judges storage itself, not only exposure: a stored
card security code is a violation even if nobody but the owner can read it.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.model import Protection
from crmscan.risk.findings.base import FindingContext, Raised

SECURITY_CODE = "CARD_SECURITY_CODE"
CARD_NUMBER = "CREDIT_CARD"
BROAD_TIERS = frozenset({"third_party", "all_authenticated", "anonymous"})


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK001 stored security codes, RSK002 cleartext card numbers, RSK003 card numbers read broadly."""
    limit = ctx.weights.thresholds.card_readers_people
    for s in ctx.scores:
        v = s.view
        types = {e.type: e for e in v.column.entities}
        where = {"source": v.source, "table": v.table_name, "column": v.column.name, "records": v.records}
        if SECURITY_CODE in types and v.records != 0:
            yield Raised("RSK001", score=s, **where)  # type: ignore[arg-type]
        pan = types.get(CARD_NUMBER)
        if pan is None or v.column.protection is not Protection.NONE or pan.basis == "name":
            continue  # masked, truncated or tokenised, or never confirmed from values
        yield Raised("RSK002", score=s, **where)  # type: ignore[arg-type]
        broad = [r for r in v.readers or () if r.tier in BROAD_TIERS]
        if not broad and v.people > limit:
            broad = [r for r in v.readers or () if r.tier != "owner"]
        if broad:
            names = tuple(sorted(r.principal for r in broad))
            worst = next((rs for rs in s.readers if rs.reader.principal in names), None)
            yield Raised(
                "RSK003",
                params={"people": -1 if v.everyone else v.people},
                readers=names,
                score=s,
                reader_score=worst,
                **where,  # type: ignore[arg-type]
            )
