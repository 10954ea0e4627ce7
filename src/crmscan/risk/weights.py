"""The risk model's weights (``rules/risk.yaml``) as a validated, immutable object.

Weights are data so a consultant can see and tune them, and so the methodology section of the report
prints the numbers that produced the scores rather than a paraphrase that can drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from crmscan.model import CATEGORIES
from crmscan.risk.loader import Strict, load_model, rules_path

Tier = Literal["owner", "internal", "third_party", "all_authenticated", "anonymous"]
TIERS: tuple[str, ...] = ("owner", "internal", "third_party", "all_authenticated", "anonymous")
Weight = Field(ge=0.0, le=4.0)


def _known_categories(keys: list[str]) -> None:
    unknown = [k for k in keys if k not in CATEGORIES]
    if unknown:
        raise ValueError(f"unknown category {unknown[0]!r}; known: {', '.join(CATEGORIES)}")


class SensitivityWeights(Strict):
    """S (1-4) per category, per classifier sensitivity, per entity type, and for children's data."""

    categories: dict[str, float]
    levels: dict[str, float]
    entities: dict[str, float] = {}
    minors: float = Field(4.0, ge=1.0, le=4.0)

    @field_validator("categories")
    @classmethod
    def _categories_known(cls, v: dict[str, float]) -> dict[str, float]:
        _known_categories(list(v))
        missing = [c for c in CATEGORIES if c not in v]
        if missing:
            raise ValueError(f"missing category {missing[0]!r}: every category needs a weight")
        return _in_range(v, 1.0, 4.0)

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: dict[str, float]) -> dict[str, float]:
        if sorted(v) != ["high", "low", "moderate"]:
            raise ValueError("levels needs exactly low, moderate and high")
        return _in_range(v, 1.0, 4.0)

    @field_validator("entities")
    @classmethod
    def _range(cls, v: dict[str, float]) -> dict[str, float]:
        return _in_range(v, 1.0, 4.0)


def _in_range(values: dict[str, float], low: float, high: float) -> dict[str, float]:
    for key, value in values.items():
        if not low <= value <= high:
            raise ValueError(f"{key}: {value} is outside {low:g}..{high:g}")
    return values


class IdentifiabilityWeights(Strict):
    """EI: how easily a value can be tied to a person, from what else the table holds."""

    direct: float = Field(ge=0.0, le=1.0)
    quasi: float = Field(ge=0.0, le=1.0)
    none: float = Field(ge=0.0, le=1.0)
    direct_identifiers: list[str]
    quasi_identifiers: list[str]

    @model_validator(mode="after")
    def _ordered(self) -> IdentifiabilityWeights:
        if not self.none <= self.quasi <= self.direct:
            raise ValueError("expected none <= quasi <= direct")
        return self


class VolumeBucket(Strict):
    """Records below ``below`` (None: any number) give volume ``value``."""

    below: int | None = Field(default=None, gt=0)
    value: float = Field(ge=0.0, le=9.0)


class VolumeWeights(Strict):
    """V from the number of records holding a value."""

    buckets: list[VolumeBucket] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> VolumeWeights:
        limits = [b.below for b in self.buckets]
        if limits[-1] is not None:
            raise ValueError("the last bucket must have below: null (catches every larger count)")
        bounded = [x for x in limits[:-1] if x is not None]
        if len(bounded) != len(limits) - 1 or bounded != sorted(bounded):
            raise ValueError("buckets must have ascending `below` limits and only the last one null")
        return self


class ManyPeople(Strict):
    """Add ``add`` to exposure when at least ``threshold`` people can read the column."""

    threshold: int = Field(gt=0)
    add: float = Field(ge=0.0, le=9.0)


class ExposureWeights(Strict):
    """X per reader tier, plus breadth and write-access increments."""

    tiers: dict[Tier, float]
    unknown: float = Field(ge=0.0, le=9.0)
    many_people: ManyPeople
    write: float = Field(ge=0.0, le=9.0)
    cap: float = Field(ge=1.0, le=9.0)

    @field_validator("tiers")
    @classmethod
    def _all_tiers(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [t for t in TIERS if t not in v]
        if missing:
            raise ValueError(f"missing tier {missing[0]!r}")
        return _in_range(v, 0.0, 9.0)


class ProtectionWeights(Strict):
    """P multipliers on likelihood per stored form, and for a row filter."""

    none: float = Field(ge=0.0, le=1.0)
    masked: float = Field(ge=0.0, le=1.0)
    hashed: float = Field(ge=0.0, le=1.0)
    tokenized: float = Field(ge=0.0, le=1.0)
    encrypted: float = Field(ge=0.0, le=1.0)
    row_filter: float = Field(ge=0.0, le=1.0)


class ImpactWeights(Strict):
    """How sensitivity x identifiability and volume mix into impact; they must add up to 1."""

    sensitivity_weight: float = Field(ge=0.0, le=1.0)
    volume_weight: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sum_one(self) -> ImpactWeights:
        if abs(self.sensitivity_weight + self.volume_weight - 1.0) > 1e-9:
            raise ValueError("sensitivity_weight + volume_weight must be 1")
        return self


class LevelBands(Strict):
    """Lowest score of each level; below ``low`` is info."""

    critical: float = Field(gt=0, le=100)
    high: float = Field(gt=0, le=100)
    medium: float = Field(gt=0, le=100)
    low: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _descending(self) -> LevelBands:
        if not self.critical > self.high > self.medium > self.low:
            raise ValueError("expected critical > high > medium > low")
        return self


class Thresholds(Strict):
    """Cut-offs used by the finding rules."""

    dpia_records: int = Field(gt=0)
    sparse_share: float = Field(gt=0.0, lt=1.0)
    sparse_min_sampled: int = Field(ge=1)
    minors_min_share: float = Field(ge=0.0, lt=1.0)
    minors_ages: list[Literal[14, 16, 18]] = Field(min_length=1)
    card_readers_people: int = Field(ge=0)
    top_risks: int = Field(ge=1, le=20)


class Use(Strict):
    """A kind of data use: the categories and entity types that make a column belong to it."""

    categories: list[str] = []
    entities: list[str] = []

    @field_validator("categories")
    @classmethod
    def _cats(cls, v: list[str]) -> list[str]:
        _known_categories(v)
        return v


class Purpose(Strict):
    """A reader purpose pattern and the data uses it needs."""

    match: str
    needs: list[str]

    @field_validator("match")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {v!r}: {exc}") from None
        return v


class RiskWeights(Strict):
    """The whole of ``rules/risk.yaml``."""

    version: Literal[1]
    model: str = Field(min_length=1)
    sensitivity: SensitivityWeights
    identifiability: IdentifiabilityWeights
    volume: VolumeWeights
    exposure: ExposureWeights
    protection: ProtectionWeights
    impact: ImpactWeights
    levels: LevelBands
    thresholds: Thresholds
    uses: dict[str, Use]
    restricted_uses: list[str]
    purposes: list[Purpose]

    @model_validator(mode="after")
    def _uses_known(self) -> RiskWeights:
        names = set(self.uses)
        for use in self.restricted_uses:
            if use not in names:
                raise ValueError(f"restricted_uses: unknown use {use!r}; define it under uses")
        for purpose in self.purposes:
            for use in purpose.needs:
                if use not in names:
                    raise ValueError(f"purposes: {purpose.match!r} needs unknown use {use!r}")
        return self

    def level_of(self, score: float) -> str:
        """The level a score falls in."""
        bands = self.levels
        for level, floor in (("critical", bands.critical), ("high", bands.high), ("medium", bands.medium)):
            if score >= floor:
                return level
        return "low" if score >= bands.low else "info"

    def purpose_needs(self, purpose: str | None) -> list[str] | None:
        """The uses a purpose needs, or None when it matches no pattern (then it is not judged)."""
        if not purpose:
            return None
        for p in self.purposes:
            if re.search(p.match, purpose, re.IGNORECASE):
                return list(p.needs)
        return None


def load_weights(path: Path | None = None, entities: frozenset[str] | None = None) -> RiskWeights:
    """``rules/risk.yaml`` (or *path*), validated; entity names are checked against *entities*.

    Args:
        path: the weights file; defaults to the built-in one.
        entities: the entity types the classifier knows (``rules/entities``); a weight for an entity no
            rule produces would silently never apply, so it is an error.

    Raises:
        RuleError: naming file, line and field.
    """
    path = path or rules_path("risk.yaml")
    weights = load_model(path, RiskWeights)
    if entities is not None:
        _check_entities(path, weights, entities)
    return weights


def _check_entities(path: Path, weights: RiskWeights, known: frozenset[str]) -> None:
    import yaml

    from crmscan.errors import RuleError
    from crmscan.yamlerrors import line_of

    places: list[tuple[list[object], str]] = [
        (["sensitivity", "entities", e], e) for e in weights.sensitivity.entities
    ]
    places += [
        (["identifiability", "direct_identifiers", i], e)
        for i, e in enumerate(weights.identifiability.direct_identifiers)
    ]
    places += [
        (["identifiability", "quasi_identifiers", i], e)
        for i, e in enumerate(weights.identifiability.quasi_identifiers)
    ]
    places += [
        (["uses", name, "entities", i], e)
        for name, use in weights.uses.items()
        for i, e in enumerate(use.entities)
    ]
    for loc, entity in places:
        if entity not in known:
            line = line_of(yaml.compose(path.read_text(encoding="utf-8")), loc)
            where = f"{path}:{line}" if line else str(path)
            field = ".".join(str(p) for p in loc[:-1])
            hint = "known types are the `entity:` names in rules/entities"
            raise RuleError(f"{where}: field '{field}': unknown entity type {entity!r}; {hint}")
