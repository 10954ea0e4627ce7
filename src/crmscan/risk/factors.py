"""The five inputs of a column's risk score, each with the reason it has its value.

Every factor is returned as a :class:`Factor`: the number, a ``code`` and ``params`` a translated
report can rebuild the sentence from, and the English sentence itself. Nothing here combines factors
— that is :mod:`crmscan.risk.scoring` — so each input can be tested, and explained, on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmscan.model import CATEGORIES, ColumnResult, TableResult
from crmscan.risk.context import ColumnView, ReaderView
from crmscan.risk.weights import RiskWeights

TIER_LABELS: dict[str, str] = {
    "owner": "owner/DBA",
    "internal": "internal role",
    "third_party": "third party",
    "all_authenticated": "all authenticated users",
    "anonymous": "anonymous users",
}


@dataclass(frozen=True)
class Factor:
    """One score input: its value, a translatable reason and the same reason in English."""

    name: str
    value: float
    code: str
    text: str
    params: dict[str, str | int | float] = field(default_factory=dict)


def minors_share(column: ColumnResult, age: int) -> float | None:
    """Share of sampled birth dates of people under *age*, from the classifier's column facts.

    The classifier computes ``minors_under_<age>`` while it still holds the sample; the risk engine
    never sees a date. None when the column has no such fact (not a birth-date column, or no sample).
    """
    value = column.facts.get(f"minors_under_{age}")
    return None if value is None else float(value)


def minors_limit(column: ColumnResult, weights: RiskWeights) -> tuple[int, float] | None:
    """The youngest configured age limit with enough sampled birth dates under it, and that share."""
    for age in sorted(weights.thresholds.minors_ages):
        share = minors_share(column, age)
        if share is not None and share > 0 and share >= weights.thresholds.minors_min_share:
            return age, share
    return None


def sensitivity(column: ColumnResult, weights: RiskWeights) -> Factor:
    """S (1-4): the most sensitive of the column's categories, entity types and classifier level."""
    w = weights.sensitivity
    best, code = 0.0, "category"
    params: dict[str, str | int | float] = {}
    for cat in column.categories:
        if w.categories.get(cat, 0.0) > best:
            best, code, params = w.categories[cat], "category", {"category": cat}
    level = w.levels.get(column.sensitivity.value)
    if level is not None and level > best:
        best, code, params = level, "level", {"level": column.sensitivity.value}
    for entity in column.entities:
        value = w.entities.get(entity.type)
        if value is not None and value > best:
            best, code, params = value, "entity", {"entity": entity.type}
    limit = minors_limit(column, weights)
    if limit is not None and w.minors > best:
        best, code, params = w.minors, "minors", {"limit": limit[0]}
    best = best or 1.0
    cats = "/".join(categories_of(column)) or "no category"
    ranked = sorted(column.entities, key=lambda e: -w.categories.get(e.category, 0.0))  # stable
    types = ", ".join(list(dict.fromkeys(e.type for e in ranked))[:2])
    what = f"{cats} data ({types})" if types else f"{cats} data"
    reason = {
        "category": "",
        "level": f", {column.sensitivity.value} sensitivity",
        "entity": "",
        "minors": f", incl. children under {params.get('limit', '')}",
    }[code]
    params = {**params, "categories": cats, "entities": types}
    return Factor("sensitivity", best, code, f"{best:g}/4: {what}{reason}", params)


def identifiability(table: TableResult, weights: RiskWeights) -> Factor:
    """EI: 1 with a direct identifier in the table, lower with quasi-identifiers only or none."""
    w = weights.identifiability
    direct = _columns_with(table, set(w.direct_identifiers))
    if direct:
        shown = ", ".join(direct[:3])
        text = f"{w.direct:g}: the table holds direct identifiers ({shown})"
        return Factor("identifiability", w.direct, "direct", text, {"columns": shown})
    quasi = _columns_with(table, set(w.quasi_identifiers))
    if quasi:
        shown = ", ".join(quasi[:3])
        text = f"{w.quasi:g}: quasi-identifiers only ({shown})"
        return Factor("identifiability", w.quasi, "quasi", text, {"columns": shown})
    return Factor("identifiability", w.none, "none", f"{w.none:g}: no identifier found in the table", {})


def _columns_with(table: TableResult, entities: set[str]) -> list[str]:
    return [c.name for c in table.columns if any(e.type in entities for e in c.entities)]


def volume(view: ColumnView, weights: RiskWeights) -> Factor:
    """V from the records holding a value; the sampled rows stand in when the row count is unknown."""
    records = view.records
    code = "records"
    if records is None:
        records, code = view.table.sampled_rows, "unknown"
    value = next(b.value for b in weights.volume.buckets if b.below is None or records < b.below)
    if code == "records" and view.column.entities and all(e.basis == "text" for e in view.column.entities):
        code = "text"
    if code == "unknown":
        text = f"{value:g}: row count unknown; at least {records:,} rows were sampled"
    elif code == "text":
        text = f"{value:g}: about {records:,} records mention it in free text"
    else:
        text = f"{value:g}: about {records:,} records hold a value"
    estimated = code != "unknown" and not view.table.row_count.exact
    if estimated:
        text += f" (row count estimated: {view.table.row_count.method})"
    return Factor("volume", value, code, text, {"records": records, "estimated": int(estimated)})


def reader_exposure(reader: ReaderView, people: int, everyone: bool, weights: RiskWeights) -> Factor:
    """X for one reader: its tier, plus breadth when *people* (or everyone) can read, plus write."""
    w = weights.exposure
    value = w.tiers[reader.tier]  # type: ignore[index]
    parts = [f"{reader.principal} ({TIER_LABELS[reader.tier]})"]
    many = everyone or people >= w.many_people.threshold
    if many:
        value += w.many_people.add
        parts.append(f"{'everyone' if everyone else f'{people:,} people'} can read it")
    elif people:
        parts.append(f"{people:,} {'person' if people == 1 else 'people'}")
    if reader.write:
        value += w.write
        parts.append("with write access")
    value = min(value, w.cap)
    params: dict[str, str | int | float] = {
        "principal": reader.principal,
        "tier": reader.tier,
        "people": people,
        "many": int(many),
        "everyone": int(everyone),
        "write": int(bool(reader.write)),
    }
    return Factor("exposure", value, "reader", f"{value:g}: " + ", ".join(parts), params)


def owner_only(weights: RiskWeights) -> Factor:
    """X when grants are known and nobody beyond the owner can read the column."""
    value = weights.exposure.tiers["owner"]
    return Factor(
        "exposure", value, "owner_only", f"{value:g}: only the owner/DBA can read it (no grants)", {}
    )


def unknown_exposure(weights: RiskWeights) -> Factor:
    """X when the source has no grants information: an explicit assumption, not a finding."""
    value = weights.exposure.unknown
    return Factor(
        "exposure", value, "unknown",
        f"{value:g}: exposure unknown — no grants information for this source; scored as one internal role",
        {},
    )  # fmt: skip


def protection(column: ColumnResult, weights: RiskWeights, row_filter: bool = False) -> Factor:
    """P: the stored form's multiplier, times the row-filter multiplier for an RLS-limited reader."""
    w = weights.protection
    form = column.protection.value
    value = float(getattr(w, form))
    label = "stored in cleartext" if form == "none" else f"stored {form}"
    if row_filter:
        value *= w.row_filter
        label += ", rows limited by row-level security"
    return Factor("protection", round(value, 4), form, f"{value:g}: {label}", {"row_filter": int(row_filter)})


def categories_of(column: ColumnResult) -> list[str]:
    """The column's categories in vocabulary order."""
    return [c for c in CATEGORIES if c in column.categories]
