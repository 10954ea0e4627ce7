"""Credential rules: secrets stored as cleartext.

A readable password, API token or OTP seed is not a privacy exposure of one person but a key to the
system; it is raised whoever can read it, because the owner's backups and exports can read it too.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.model import Protection
from crmscan.risk.findings.base import FindingContext, Raised


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK006: a credential column stored as cleartext (hashed, encrypted or tokenised ones pass)."""
    for s in ctx.scores:
        v = s.view
        if "credential" not in v.column.categories or v.column.protection is not Protection.NONE:
            continue
        if v.records == 0:
            continue
        types = ", ".join(dict.fromkeys(e.type for e in v.column.entities if e.category == "credential"))
        yield Raised(
            "RSK006",
            source=v.source,
            table=v.table_name,
            column=v.column.name,
            records=v.records,
            params={"entities": types or "secrets"},
            readers=tuple(r.principal for r in v.readers or ()),
            score=s,
        )
