"""Rule packs: entity rules and dictionaries as YAML, validated loudly at load.

A typo in a rule file is an error naming the file, the line, the rule id and the field, never a
warning that silently drops the rule. The models forbid unknown keys, bound every number and compile
every regular expression at load, so a broken pack fails before any data is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmscan.errors import RuleError
from crmscan.yamlerrors import describe, read_yaml

CategoryName = Literal["pii", "financial", "health", "special", "credential"]
SensitivityName = Literal["low", "moderate", "high"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regexes(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return patterns


class ValueSpec(_Strict):
    """How values of the entity look: a full-match regex, a checksum validator, or a vocabulary."""

    pattern: str | None = None
    validator: str | None = None
    vocabulary: str | None = None
    vocabulary_match: Literal["whole", "word"] = "whole"
    check: str | None = None
    min_match_ratio: float = Field(0.6, gt=0.0, le=1.0)
    case_sensitive: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            _check_regexes([v])
        return v

    @field_validator("validator")
    @classmethod
    def _validator_known(cls, v: str | None) -> str | None:
        if v is not None:
            from crmscan.classify.validators import known_validators

            if v not in known_validators():
                raise ValueError(f"unknown validator {v!r}; known: {', '.join(sorted(known_validators()))}")
        return v

    @field_validator("check")
    @classmethod
    def _check_known(cls, v: str | None) -> str | None:
        from crmscan.classify.checks import CHECKS

        if v is not None and v not in CHECKS:
            raise ValueError(f"unknown check {v!r}; known: {', '.join(sorted(CHECKS))}")
        return v

    @model_validator(mode="after")
    def _has_test(self) -> ValueSpec:
        if not (self.pattern or self.validator or self.vocabulary or self.check):
            raise ValueError("value needs at least one of pattern, validator, vocabulary, check")
        return self


class TextSpec(_Strict):
    """How the entity is found *inside* free text (notes, case descriptions)."""

    pattern: str | None = None
    validator: str | None = None
    vocabulary: str | None = None
    min_ratio: float = Field(0.02, gt=0.0, le=1.0)

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            _check_regexes([v])
        return v

    @model_validator(mode="after")
    def _has_test(self) -> TextSpec:
        if not (self.pattern or self.vocabulary):
            raise ValueError("text needs a pattern or a vocabulary")
        return self


class EntityRule(_Strict):
    """One entity type: the names its columns go by and what its values look like.

    ``value_alone`` says whether matching values suffice without a telling column name (true for an
    e-mail address, false for a five-digit postal code that any id column could hold).
    ``tables`` restricts name evidence to tables whose name matches (a bare ``name`` column is a
    person's name in ``contacts`` but a company's in ``accounts``); ``not_tables`` excludes tables
    about organisations (a ``date_birth`` column of a company table is its founding date).
    ``name_alone`` says whether a telling name suffices when values cannot confirm it (a column named
    ``ethnicity`` that is empty in the sample is still a special-category column).
    """

    id: str = Field(pattern=r"^[A-Z]{2,5}\d{3}$")
    entity: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    category: CategoryName
    also: list[CategoryName] = []
    sensitivity: SensitivityName
    description: str = Field(min_length=3)
    names: list[str] = []
    not_names: list[str] = []
    tables: list[str] = []
    not_tables: list[str] = []
    name_weight: float = Field(0.75, ge=0.0, le=1.0)
    name_alone: bool = True
    value: ValueSpec | None = None
    value_alone: bool = True
    text: TextSpec | None = None
    string_only: bool = True
    aliases: list[str] = []
    source: str | None = None

    @field_validator("names", "not_names", "tables", "not_tables")
    @classmethod
    def _names_compile(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)

    @model_validator(mode="after")
    def _usable(self) -> EntityRule:
        if not (self.names or self.value or self.text):
            raise ValueError("a rule needs names, value or text to ever match")
        if not self.names and not self.value_alone and not self.text:
            raise ValueError("value_alone: false needs names, or the rule can never match")
        return self


class Dictionary(_Strict):
    """A vocabulary (gender terms, religions, conditions, medications...) with its provenance."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    description: str
    source: str | None = None
    terms: list[str] = Field(min_length=1)


class EntityPack(_Strict):
    """A file of entity rules."""

    version: Literal[1]
    rules: list[EntityRule]


class DictionaryPack(_Strict):
    """A file of dictionaries."""

    version: Literal[1]
    dictionaries: list[Dictionary]


@dataclass(frozen=True)
class RuleSet:
    """All entity rules and dictionaries, ready for the classifier."""

    rules: tuple[EntityRule, ...]
    dictionaries: dict[str, frozenset[str]]

    def rule(self, rule_id: str) -> EntityRule:
        """The rule with *rule_id* (or one of its aliases)."""
        for r in self.rules:
            if r.id == rule_id or rule_id in r.aliases:
                return r
        raise KeyError(rule_id)


def load_rules(folder: Path | None = None) -> RuleSet:
    """Load every ``*.yaml`` under ``folder/entities`` and ``folder/dictionaries``.

    Raises:
        RuleError: naming file, line, rule id and field for the first problem found.
    """
    if folder is None:
        from crmscan.resources import data_dir

        folder = data_dir("rules")
    return _load_cached(folder.resolve())


@cache
def _load_cached(folder: Path) -> RuleSet:
    rules: list[EntityRule] = []
    dictionaries: dict[str, frozenset[str]] = {}
    for path in sorted((folder / "dictionaries").glob("*.yaml")):
        for d in _load_pack(path, DictionaryPack, "dictionaries").dictionaries:  # type: ignore[attr-defined]
            if d.id in dictionaries:
                raise RuleError(f"{path}: dictionary id {d.id!r} is defined twice")
            dictionaries[d.id] = frozenset(t.casefold() for t in d.terms)
    seen: dict[str, Path] = {}
    for path in sorted((folder / "entities").glob("*.yaml")):
        pack = _load_pack(path, EntityPack, "rules")
        for rule in pack.rules:  # type: ignore[attr-defined]
            for key in (rule.id, *rule.aliases):
                if key in seen:
                    raise RuleError(f"{path}: rule id {key!r} already used in {seen[key].name}")
                seen[key] = path
            for spec in (rule.value, rule.text):
                if spec is not None and spec.vocabulary and spec.vocabulary not in dictionaries:
                    raise RuleError(
                        f"{path}: rule {rule.id}: unknown vocabulary {spec.vocabulary!r}; "
                        f"define it under rules/dictionaries/ (known: {', '.join(sorted(dictionaries))})"
                    )
            rules.append(rule)
    if not rules:
        raise RuleError(f"{folder}: no entity rules found under entities/*.yaml")
    return RuleSet(rules=tuple(rules), dictionaries=dictionaries)


def _load_pack(path: Path, model: type[BaseModel], list_key: str) -> BaseModel:
    data, node = read_yaml(path, "rule file")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(
            describe(
                path, node, data, list_key, exc, unknown_hint="check the spelling against CONTRIBUTING.md"
            )
        ) from None
