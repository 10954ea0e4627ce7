"""Exposure rules: sensitive data readable by everyone, anonymous users or third parties.

These are the findings no column inventory can produce: they need the grants. GDPR Art. 25(2) is
the yardstick — personal data must not be accessible by default to an indefinite number of people.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.findings.base import FindingContext, Raised

SPECIAL = ("health", "special")
OPEN_TIERS = frozenset({"all_authenticated", "anonymous"})
SPECIAL_TIERS = frozenset({"third_party", "all_authenticated", "anonymous"})


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK004 special categories read by everyone or third parties; RSK005 personal data read by everyone."""
    for s in ctx.scores:
        v = s.view
        where = {"source": v.source, "table": v.table_name, "column": v.column.name, "records": v.records}
        special = [c for c in SPECIAL if c in v.column.categories]
        if special:
            wide = [r for r in v.readers or () if r.tier in SPECIAL_TIERS]
            if wide:
                names = tuple(sorted(r.principal for r in wide))
                yield Raised(
                    "RSK004",
                    params={"categories": "/".join(special)},
                    readers=names,
                    score=s,
                    reader_score=_worst(s, names),
                    **where,  # type: ignore[arg-type]
                )
                continue  # the special-category finding already says it, more precisely
        open_readers = [r for r in v.readers or () if r.tier in OPEN_TIERS]
        if "pii" in v.column.categories and open_readers:
            names = tuple(sorted(r.principal for r in open_readers))
            crowd = any(r.everyone and not r.people_known for r in open_readers)
            people = -1 if crowd else sum(r.people for r in open_readers)
            yield Raised(
                "RSK005",
                params={"entities": _entities(s), "people": people},
                readers=names,
                score=s,
                reader_score=_worst(s, names),
                **where,  # type: ignore[arg-type]
            )


def _worst(s, names):  # type: ignore[no-untyped-def]
    return next((rs for rs in s.readers if rs.reader.principal in names), None)


def _entities(s) -> str:  # type: ignore[no-untyped-def]
    return ", ".join(dict.fromkeys(e.type for e in s.view.column.entities)) or "personal data"
