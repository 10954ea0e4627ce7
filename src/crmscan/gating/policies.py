"""Policies as data: ``rules/policies.yaml`` built in, ``--policy FILE`` for a team's own.

A policy is a permanent id, a severity, a one-line message template, a remediation and a ``when`` block
of conditions over one classified column and who can read it. Every condition given must hold (AND);
a list inside one condition is a choice (OR); ``readable_by`` is a list of reader matchers of which one
must match. Example::

    version: 1
    tags:
      pci: ['pci_*', 'payment_vault*']      # table globs; a team file may redefine a tag
    policies:
      - id: POL002
        title: Card number outside the cardholder-data environment
        severity: high
        message: "{object} holds card numbers outside a table tagged pci"
        remediation: Move the column into a pci-tagged table or store a processor token instead.
        when:
          entity: [CREDIT_CARD]
          not_table_tag: [pci]
    disable: [POL005]                       # team files only: turn a built-in off

Files are validated like every rule file: unknown keys, bad globs, unknown placeholders or tags are
errors naming ``file:line``, the policy id and the field — never a warning that drops the policy.
"""

from __future__ import annotations

import fnmatch
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmscan.errors import RuleError
from crmscan.yamlerrors import describe, line_of, read_yaml

Severity = Literal["critical", "high", "medium", "low"]
CategoryName = Literal["pii", "financial", "health", "special", "credential"]
SensitivityName = Literal["low", "moderate", "high"]
ProtectionName = Literal["none", "masked", "hashed", "encrypted", "tokenized"]
TableKindName = Literal["table", "view", "file", "sheet"]
KindName = Literal["role", "user", "group", "public", "service", "third_party", "anonymous", "superuser"]

#: Placeholders a message template may use; each is a name, never a data value.
PLACEHOLDERS: dict[str, str] = {
    "source": "the source label",
    "table": "the table (schema.table when there is a schema)",
    "column": "the column",
    "object": "table.column",
    "entities": "entity types found in the column, comma-separated",
    "categories": "categories of the column, comma-separated",
    "sensitivity": "none, low, moderate or high",
    "protection": "none, masked, hashed, encrypted or tokenized",
    "readers": "the principals a readable_by matcher matched (else everyone who can read the column)",
    "reader_count": "how many principals can read the column",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_globs(globs: list[str]) -> list[str]:
    for glob in globs:
        if not glob.strip():
            raise ValueError("an empty glob matches nothing; remove it")
        if glob.count("[") != glob.count("]"):
            raise ValueError(f"unbalanced brackets in glob {glob!r}")
    return globs


class ReaderMatch(_Strict):
    """One kind of reader; every field given must match. ``principal`` takes globs (``bi_*``)."""

    kind: list[KindName] = []
    principal: list[str] = []
    third_party: bool | None = None

    @field_validator("principal")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        return _check_globs(v)

    @model_validator(mode="after")
    def _not_empty(self) -> ReaderMatch:
        if not self.kind and not self.principal and self.third_party is None:
            raise ValueError(
                "a readable_by entry needs kind, principal or third_party, e.g. {kind: [public]}"
            )
        return self


class When(_Strict):
    """Conditions over one column; all given must hold."""

    source: list[str] = []
    table_kind: list[TableKindName] = []
    table: list[str] = []
    not_table: list[str] = []
    table_tag: list[str] = []
    not_table_tag: list[str] = []
    column: list[str] = []
    not_column: list[str] = []
    category: list[CategoryName] = []
    not_category: list[CategoryName] = []
    entity: list[str] = []
    not_entity: list[str] = []
    min_sensitivity: SensitivityName | None = None
    protection: list[ProtectionName] = []
    readable_by: list[ReaderMatch] = []
    min_readers: int | None = Field(None, ge=1)

    @field_validator("source", "table", "not_table", "column", "not_column", "entity", "not_entity")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        return _check_globs(v)

    @model_validator(mode="after")
    def _not_empty(self) -> When:
        if not any(getattr(self, name) not in (None, []) for name in type(self).model_fields):
            raise ValueError("an empty 'when' would match every column; give at least one condition")
        return self


class Policy(_Strict):
    """One policy: permanent id, severity, message template, remediation, conditions."""

    id: str = Field(pattern=r"^[A-Z]{2,5}\d{3}$")
    title: str = Field(min_length=3, max_length=120)
    severity: Severity
    message: str = Field(min_length=3)
    remediation: str = Field(min_length=3)
    description: str | None = None
    regulations: list[str] = []
    help_uri: str | None = Field(None, pattern=r"^https?://\S+$")
    aliases: list[str] = []
    when: When

    @field_validator("title", "message")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v.strip() or "\r" in v:
            raise ValueError("must be one line")
        return v.strip()

    @field_validator("message")
    @classmethod
    def _placeholders_known(cls, v: str) -> str:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(v) if f is not None]
        except ValueError as exc:
            raise ValueError(f"bad template ({exc}); write a literal brace as {{{{ or }}}}") from None
        for name in fields:
            if name not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{name}}}; known: {', '.join(PLACEHOLDERS)}")
        return v

    @field_validator("aliases")
    @classmethod
    def _aliases_well_formed(cls, v: list[str]) -> list[str]:
        for alias in v:
            if not alias[:1].isalpha() or not alias.isalnum():
                raise ValueError(f"alias {alias!r} must look like an id, e.g. POL099")
        return v


class PolicyFile(_Strict):
    """A policy file: version, table tags, policies, and (team files) built-in ids to turn off."""

    version: Literal[1]
    tags: dict[str, list[str]] = {}
    policies: list[Policy] = []
    disable: list[str] = []

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, globs in v.items():
            if not name.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"tag name {name!r}: use letters, digits, '_' or '-'")
            _check_globs(globs)
        return v


@dataclass(frozen=True)
class PolicySet:
    """The policies in force, in file order, with the table tags they refer to."""

    policies: tuple[Policy, ...]
    tags: dict[str, tuple[str, ...]]
    files: tuple[str, ...]

    def policy(self, policy_id: str) -> Policy:
        """The policy with *policy_id* (or one of its aliases)."""
        for p in self.policies:
            if p.id == policy_id or policy_id in p.aliases:
                return p
        raise KeyError(policy_id)


def builtin_policy_file() -> Path:
    """``rules/policies.yaml`` in the checkout or the wheel."""
    from crmscan.resources import data_dir

    return data_dir("rules") / "policies.yaml"


def load_policies(extra: list[Path] | tuple[Path, ...] = (), *, builtin: bool = True) -> PolicySet:
    """The built-in policies, then each file of *extra* in order.

    A later file may redefine a tag and ``disable`` earlier policies; a policy id (or alias) used twice
    is an error, as is a condition naming a tag no file defines.

    Raises:
        RuleError: one line ``file:line: policy POL001: field 'when.entity': what is wrong`` (exit 2).
    """
    files = ([builtin_policy_file()] if builtin else []) + [Path(p) for p in extra]
    policies: list[tuple[Policy, Path, Any, int]] = []
    tags: dict[str, tuple[str, ...]] = {}
    seen: dict[str, Path] = {}
    disabled: list[tuple[str, Path, int | None]] = []
    for path in files:
        parsed, node = _load_file(path)
        tags.update({name: tuple(globs) for name, globs in parsed.tags.items()})
        for index, policy in enumerate(parsed.policies):
            line = line_of(node, ["policies", index])
            for key in (policy.id, *policy.aliases):
                if key in seen:
                    where = f"{path}:{line}" if line else str(path)
                    raise RuleError(
                        f"{where}: policy {policy.id}: id {key!r} is already used in {seen[key]}; "
                        "give a team policy its own id (e.g. TEAM001) or disable the built-in"
                    )
                seen[key] = path
            policies.append((policy, path, node, index))
        for index, pid in enumerate(parsed.disable):
            disabled.append((pid, path, line_of(node, ["disable", index])))
    for pid, path, line in disabled:
        if pid not in seen:
            where = f"{path}:{line}" if line else str(path)
            raise RuleError(
                f"{where}: field 'disable': no policy {pid!r} to disable; known: {', '.join(seen)}"
            )
    off = {pid for pid, _, _ in disabled}
    kept = []
    entities = _known_entities()
    for policy, path, node, index in policies:
        if policy.id in off or off.intersection(policy.aliases):
            continue
        for field in ("entity", "not_entity"):
            for glob in getattr(policy.when, field):
                if entities and not any(fnmatch.fnmatchcase(e, glob.upper()) for e in entities):
                    line = line_of(node, ["policies", index, "when", field])
                    where = f"{path}:{line}" if line else str(path)
                    raise RuleError(
                        f"{where}: policy {policy.id}: field 'when.{field}': {glob!r} matches no entity type "
                        f"of the rule packs (e.g. {', '.join(sorted(entities)[:6])}, ...)"
                    )
        for field in ("table_tag", "not_table_tag"):
            for tag in getattr(policy.when, field):
                if tag not in tags:
                    line = line_of(node, ["policies", index, "when", field])
                    where = f"{path}:{line}" if line else str(path)
                    known = ", ".join(sorted(tags)) or "none"
                    raise RuleError(
                        f"{where}: policy {policy.id}: field 'when.{field}': unknown tag {tag!r}; "
                        f"define it under 'tags:' (known: {known})"
                    )
        kept.append(policy)
    return PolicySet(policies=tuple(kept), tags=tags, files=tuple(str(p) for p in files))


def _known_entities() -> set[str]:
    """Entity types the classifier can assign (from ``rules/entities``); empty if the packs cannot load."""
    try:
        from crmscan.classify.rules import load_rules

        return {r.entity for r in load_rules().rules}
    except Exception:  # noqa: BLE001 - a broken rule pack is reported by the classifier, not here
        return set()


def _load_file(path: Path) -> tuple[PolicyFile, Any]:
    if not path.is_file():
        raise RuleError(f"{path}: no such policy file")
    data, node = read_yaml(path, "policy file")
    if not isinstance(data, dict):
        raise RuleError(f"{path}: a policy file is a mapping with 'version: 1' and 'policies:'")
    try:
        return PolicyFile.model_validate(data), node
    except ValidationError as exc:
        raise RuleError(
            describe(
                path,
                node,
                data,
                "policies",
                exc,
                noun="policy",
                unknown_hint="see the fields documented in rules/policies.yaml",
            )
        ) from None
