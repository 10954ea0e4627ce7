"""Impact annotation: records at risk, a breach-cost range and statutory fine ceilings.

Shown next to the scores and never mixed into them (FAIR separates loss magnitude from likelihood;
the ordinal score must not move because a currency figure was updated). Every number carries its
source and year so a reader can judge how far to trust it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, HttpUrl

from crmscan.model import CATEGORIES
from crmscan.risk.context import ColumnView
from crmscan.risk.loader import Strict, load_model, rules_path
from crmscan.risk.regulations import JURISDICTIONS

Basis = Literal["primary", "secondary"]


class PerRecord(Strict):
    """A published cost per compromised record."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    usd: float = Field(gt=0)
    year: int = Field(ge=2000, le=2100)
    what: str
    source: str
    url: HttpUrl
    basis: Basis
    categories: list[Literal["pii", "financial", "health", "special", "credential"]] = Field(min_length=1)


class StudyBand(Strict):
    """The breach sizes the per-record figures were computed from."""

    min_records: int = Field(gt=0)
    max_records: int = Field(gt=0)
    source: str
    url: HttpUrl
    year: int


class MegaBreach(Strict):
    """Total-cost band for very large breaches, where per-record figures do not apply."""

    min_records: int = Field(gt=0)
    low_usd: float = Field(gt=0)
    high_usd: float = Field(gt=0)
    year: int
    source: str
    url: HttpUrl
    basis: Basis


class AverageBreach(Strict):
    """The average total cost of a breach, for context."""

    usd: float = Field(gt=0)
    year: int
    source: str
    url: HttpUrl
    basis: Basis


class Fine(Strict):
    """A statutory ceiling, quoted as the law states it (turnover-based ceilings cannot be totalled)."""

    jurisdiction: Literal["gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba"]
    regulation: str
    ceiling: str
    applies_to: str
    year: int
    source: str
    url: HttpUrl
    basis: Basis


class Costs(Strict):
    """The whole of ``rules/costs.yaml``."""

    version: Literal[1]
    currency: Literal["USD"]
    per_record: list[PerRecord] = Field(min_length=1)
    study_band: StudyBand
    mega_breach: MegaBreach
    average_breach: AverageBreach
    fines: list[Fine]


def load_costs(path: Path | None = None) -> Costs:
    """``rules/costs.yaml`` (or *path*), validated.

    Raises:
        RuleError: naming file, line, entry and field.
    """
    return load_model(path or rules_path("costs.yaml"), Costs, "per_record")


def records_by_category(views: list[ColumnView]) -> dict[str, int]:
    """Per category, the records holding it: per table the largest column count, summed over tables.

    A person in two tables counts twice (records, not people): the report says so.
    """
    best: dict[tuple[str, str, str], int] = {}
    for v in views:
        for cat in v.column.categories:
            key = (v.source, v.table_name, cat)
            best[key] = max(best.get(key, 0), v.records or 0)
    out = {c: 0 for c in CATEGORIES}
    for (_, _, cat), n in best.items():
        out[cat] += n
    return out


def records_at_risk(views: list[ColumnView]) -> int:
    """Rows of every table holding a sensitive column (each table once)."""
    rows: dict[tuple[str, str], int] = {}
    for v in views:
        rows[(v.source, v.table_name)] = max(rows.get((v.source, v.table_name), 0), v.rows or 0)
    return sum(rows.values())


def breach_cost(views: list[ColumnView], costs: Costs) -> dict[str, Any]:
    """A low-high cost range: per table, its records times the per-record figures for its categories."""
    low = high = 0.0
    used: set[str] = set()
    tables: dict[tuple[str, str], tuple[int, set[str]]] = {}
    for v in views:
        key = (v.source, v.table_name)
        rows, cats = tables.get(key, (0, set()))
        tables[key] = (max(rows, v.rows or 0), cats | set(v.column.categories))
    total = sum(rows for rows, _ in tables.values())
    for rows, cats in tables.values():
        figures = [p for p in costs.per_record if set(p.categories) & cats]
        if not figures or not rows:
            continue
        lo = min(figures, key=lambda p: p.usd)
        hi = max(figures, key=lambda p: p.usd)
        low += rows * lo.usd
        high += rows * hi.usd
        used |= {lo.id, hi.id}
    band = costs.study_band
    method = "per_record"
    if total >= costs.mega_breach.min_records:
        low, high, method = costs.mega_breach.low_usd, costs.mega_breach.high_usd, "mega_breach"
    return {
        "currency": costs.currency,
        "method": method,
        "records": total,
        "low": round(low),
        "high": round(high),
        "within_study_band": band.min_records <= total <= band.max_records,
        "study_band": {
            "min_records": band.min_records,
            "max_records": band.max_records,
            "source": band.source,
            "url": str(band.url),
            "year": band.year,
        },
        "figures": [_figure(p) for p in costs.per_record if p.id in used],
        "mega_breach": {
            "min_records": costs.mega_breach.min_records,
            "low": costs.mega_breach.low_usd,
            "high": costs.mega_breach.high_usd,
            "year": costs.mega_breach.year,
            "source": costs.mega_breach.source,
            "url": str(costs.mega_breach.url),
        },
        "average_breach": {
            "usd": costs.average_breach.usd,
            "year": costs.average_breach.year,
            "source": costs.average_breach.source,
            "url": str(costs.average_breach.url),
        },
    }


def _figure(p: PerRecord) -> dict[str, Any]:
    return {
        "id": p.id,
        "usd": p.usd,
        "year": p.year,
        "what": p.what,
        "source": p.source,
        "url": str(p.url),
        "basis": p.basis,
        "categories": list(p.categories),
    }


def fines(costs: Costs, jurisdictions: tuple[str, ...]) -> list[dict[str, Any]]:
    """Statutory ceilings for the selected jurisdictions, in jurisdiction order."""
    order = {j: i for i, j in enumerate(JURISDICTIONS)}
    chosen = sorted(
        (f for f in costs.fines if f.jurisdiction in jurisdictions), key=lambda f: order[f.jurisdiction]
    )
    return [
        {
            "jurisdiction": f.jurisdiction,
            "regulation": f.regulation,
            "ceiling": f.ceiling,
            "applies_to": f.applies_to,
            "year": f.year,
            "source": f.source,
            "url": str(f.url),
            "basis": f.basis,
        }
        for f in chosen
    ]


def impact(views: list[ColumnView], costs: Costs, jurisdictions: tuple[str, ...]) -> dict[str, Any]:
    """The impact annotation of the report document."""
    return {
        "records_at_risk": records_at_risk(views),
        "records_by_category": records_by_category(views),
        "breach_cost": breach_cost(views, costs),
        "fines": fines(costs, jurisdictions),
    }
