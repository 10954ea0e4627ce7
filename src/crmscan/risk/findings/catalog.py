"""Finding rule metadata (``rules/findings.yaml``): permanent ids, levels, texts, citations.

The checks live in code, one module per rule family; everything a reader sees about a rule — its
title, the message and remediation templates, the regulations it cites — lives in the YAML so it can
be reviewed (and translated) without reading Python. Templates take object names, counts and
principal names only, so a finding can never carry a data value.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, field_validator

from crmscan.errors import RuleError
from crmscan.risk.loader import Strict, load_model, rules_path
from crmscan.risk.regulations import Regulations
from crmscan.yamlerrors import line_of

Level = Literal["critical", "high", "medium", "low", "info"]

#: Families with a module in :mod:`crmscan.risk.findings`; a rule naming another family is an error.
FAMILIES: tuple[str, ...] = (
    "cards", "exposure", "credentials", "health", "minors", "freetext", "access", "minimisation", "dpia",
    "identifiers",
)  # fmt: skip

#: Placeholders a template may use; every family fills the ones its rules use.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "object", "table", "column", "source", "records", "readers", "readers_count", "people", "share",
        "limit", "categories", "entities", "purposes", "threshold", "columns", "identifiers", "tables",
    }
)  # fmt: skip

_TEMPLATE_FIELDS = ("message", "remediation", "plain")


def placeholders(template: str) -> set[str]:
    """The ``{names}`` used in *template*."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class FindingRule(Strict):
    """One finding rule as written in ``rules/findings.yaml``."""

    id: str = Field(pattern=r"^RSK\d{3}$")
    name: str = Field(pattern=r"^[a-z][a-z0-9-]+$")
    family: str
    title: str = Field(min_length=5)
    level: Level
    scored: bool
    description: str = Field(min_length=10)
    message: str = Field(min_length=10)
    remediation: str = Field(min_length=10)
    plain: str = Field(min_length=10)
    regulations: list[str] = Field(min_length=1)
    aliases: list[str] = []

    @field_validator("family")
    @classmethod
    def _family_known(cls, v: str) -> str:
        if v not in FAMILIES:
            raise ValueError(f"unknown family {v!r}; known: {', '.join(FAMILIES)}")
        return v

    @field_validator("description")
    @classmethod
    def _no_placeholders(cls, v: str) -> str:
        if placeholders(v):
            raise ValueError("a description is shown as written: no {placeholders}")
        return " ".join(v.split())

    @field_validator(*_TEMPLATE_FIELDS)
    @classmethod
    def _template(cls, v: str) -> str:
        try:
            names = placeholders(v)
        except ValueError as exc:
            raise ValueError(f"bad template: {exc}") from None
        unknown = sorted(names - PLACEHOLDERS)
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; known: {', '.join(sorted(PLACEHOLDERS))}"
            )
        return " ".join(v.split())


class FindingPack(Strict):
    """The whole of ``rules/findings.yaml``."""

    version: Literal[1]
    rules: list[FindingRule] = Field(min_length=1)


@dataclass(frozen=True)
class RuleBook:
    """The finding rules by id, checked against the regulation catalogue."""

    rules: tuple[FindingRule, ...]

    def __getitem__(self, rule_id: str) -> FindingRule:
        for rule in self.rules:
            if rule.id == rule_id or rule_id in rule.aliases:
                return rule
        raise KeyError(rule_id)


def load_rulebook(regulations: Regulations, path: Path | None = None) -> RuleBook:
    """``rules/findings.yaml`` (or *path*), validated, with every cited regulation id known.

    Raises:
        RuleError: naming file, line, rule id and field.
    """
    path = path or rules_path("findings.yaml")
    pack = load_model(path, FindingPack, "rules")
    known = regulations.ids()
    seen: set[str] = set()
    for index, rule in enumerate(pack.rules):
        for key in (rule.id, *rule.aliases):
            if key in seen:
                raise RuleError(f"{_where(path, ['rules', index])}: rule {rule.id}: id {key!r} is used twice")
            seen.add(key)
        for pos, reg in enumerate(rule.regulations):
            if reg not in known:
                raise RuleError(
                    f"{_where(path, ['rules', index, 'regulations', pos])}: rule {rule.id}: "
                    f"field 'regulations': unknown regulation {reg!r}; add it to rules/regulations.yaml"
                )
    return RuleBook(tuple(pack.rules))


def _where(path: Path, loc: list[object]) -> str:
    node = yaml.compose(path.read_text(encoding="utf-8"))
    line = line_of(node, loc)
    return f"{path}:{line}" if line else str(path)
