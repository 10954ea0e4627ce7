"""DPIA / PIPIA hint: sensitive data processed on a scale that calls for an impact assessment.

GDPR Art. 35(3)(b) asks for a DPIA for large-scale special-category processing; "large" has no
number in the law, so ``thresholds.dpia_records`` is a crmscan default the report prints. PIPL
Art. 55 asks for an assessment before processing sensitive personal information at any scale, so
with PIPL selected any sensitive personal information raises the hint.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmscan.risk.findings.base import FindingContext, Raised

SPECIAL = ("health", "special")
#: PIPL Art. 28 sensitive PI: medical health, specific identity, financial accounts, biometrics...
PIPL_SENSITIVE_CATEGORIES = ("health", "special", "financial")
PIPL_SENSITIVE_ENTITIES = frozenset(
    {"US_SSN", "NATIONAL_ID", "CN_RESIDENT_ID", "DRIVER_LICENSE", "GEOLOCATION"}
)


def check(ctx: FindingContext) -> Iterator[Raised]:
    """RSK012: one hint per source."""
    threshold = ctx.weights.thresholds.dpia_records
    by_source: dict[str, list[tuple[str, list]]] = {}  # type: ignore[type-arg]
    for source, table, scores in ctx.tables():
        by_source.setdefault(source, []).append((table, scores))
    for source, tables in by_source.items():
        special_rows, special_tables, special_cats = 0, 0, set()
        pipl_rows, pipl_tables, pipl_cats = 0, 0, set()
        for _table, scores in tables:
            rows = max((s.view.rows or 0 for s in scores), default=0)
            found = {c for s in scores for c in s.view.column.categories if c in SPECIAL}
            if found:
                special_rows += rows
                special_tables += 1
                special_cats |= found
            sensitive = [s for s in scores if _pipl_sensitive(s)]
            if sensitive:
                pipl_rows += rows
                pipl_tables += 1
                pipl_cats |= {c for s in sensitive for c in s.view.column.categories if c != "pii"}
                if any(e.type in PIPL_SENSITIVE_ENTITIES for s in sensitive for e in s.view.column.entities):
                    pipl_cats.add("identity")
                if any(_minors(s) for s in sensitive):
                    pipl_cats.add("minors")
        large = special_rows >= threshold
        pipl = "pipl" in ctx.jurisdictions and pipl_tables > 0
        if not (large or pipl):
            continue
        triggers = []
        if large:
            triggers.append(
                ("dpia_scale", f"{special_rows:,} records with special-category data >= {threshold:,}")
            )
        if pipl:
            triggers.append(
                ("dpia_pipl", "PIPL Art. 55: any sensitive personal information needs an assessment")
            )
        if large:
            label, tables_n, records = (
                "/".join(c for c in SPECIAL if c in special_cats),
                special_tables,
                special_rows,
            )
        else:
            order = (*SPECIAL, "financial", "identity", "minors")
            label, tables_n, records = "/".join(c for c in order if c in pipl_cats), pipl_tables, pipl_rows
        yield Raised(
            "RSK012",
            source=source,
            records=records,
            params={"categories": label, "tables": tables_n, "threshold": threshold},
            factors=tuple(triggers),
        )


def _pipl_sensitive(s) -> bool:  # type: ignore[no-untyped-def]
    column = s.view.column
    if any(c in PIPL_SENSITIVE_CATEGORIES for c in column.categories):
        return True
    if any(e.type in PIPL_SENSITIVE_ENTITIES for e in column.entities):
        return True
    return _minors(s)


def _minors(s) -> bool:  # type: ignore[no-untyped-def]
    return s.view.column.facts.get("minors_under_14", 0) > 0
