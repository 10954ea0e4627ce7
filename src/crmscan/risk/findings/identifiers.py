"""Government identifiers and bank accounts stored as cleartext.

These identifiers are the raw material of identity theft and payment fraud and are sensitive
personal information under PIPL; unlike contact data they are rarely needed in full by anyone who
reads the CRM, so encryption or tokenisation costs little.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.model import Protection
from crmscan.risk.findings.base import FindingContext, Raised

IDENTIFIERS = frozenset({"US_SSN", "NATIONAL_ID", "CN_RESIDENT_ID", "DRIVER_LICENSE", "IBAN", "BANK_ACCOUNT"})


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK013: a structured column of identifiers stored as cleartext (free text is RSK009)."""
    for s in ctx.scores:
        v = s.view
        hits = [e for e in v.column.entities if e.type in IDENTIFIERS and e.basis != "text"]
        if not hits or v.column.protection is not Protection.NONE or v.records == 0:
            continue
        yield Raised(
            "RSK013",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=v.records,
            params={"entities": ", ".join(dict.fromkeys(e.type for e in hits))},
            readers=tuple(r.principal for r in v.readers or ()),
            score=s,
        )
