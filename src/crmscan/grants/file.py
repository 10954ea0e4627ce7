"""Grants files (``--grants FILE``): who can read what, written by hand, for any source.

SQLite databases and CSV exports carry no grants, and a database's grants say nothing about who sits
behind a role (how many people, a marketing agency, MFA or not). A grants file fills both gaps, in YAML
(see ``examples/demo_crm/grants.yaml`` and ``schemas/grants.schema.json``) or CSV (one row per principal
and read pattern). Read patterns are ``table``, ``table.column`` or ``schema.table.column`` with ``*``/``?``
globs, matched case-insensitively: ``contacts.*``, ``payments.card_number``, ``*.email``, ``*``.

Validated strictly (Pydantic, ``extra="forbid"``): a typo is an error naming the file, the entry and the
field, never a silently ignored line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmscan.grants.model import (
    PUBLIC,
    Grant,
    GrantSet,
    GrantsFileError,
    Membership,
    Principal,
    PrincipalKind,
)
from crmscan.yamlerrors import load_yaml

CSV_COLUMNS = (
    "principal",
    "kind",
    "member_count",
    "third_party",
    "purpose",
    "department",
    "mfa",
    "can_login",
    "description",
    "member_of",
    "can_read",
)
_LIST_COLUMNS = ("member_of", "can_read")
_EXAMPLES = {
    "kind": "kind: third_party   # role, user, group, public, service, third_party, anonymous, superuser",
    "member_count": "member_count: 12",
    "third_party": "third_party: yes",
    "mfa": "mfa: no",
    "can_login": "can_login: yes",
    "can_read": "can_read: [contacts.*, payments.card_last4, '*.email']",
    "member_of": "member_of: [sales]",
    "name": "name: marketing_agency",
    "principals": "principals: [{name: sales, kind: role, can_read: [contacts.*]}]",
    "version": "version: 1",
}


def _check_pattern(pattern: str) -> str:
    parts = pattern.split(".")
    if pattern != "*" and (len(parts) > 3 or any(not part.strip() for part in parts)):
        raise ValueError(
            f"'{pattern}' is not table, table.column or schema.table.column (globs * and ? allowed)"
        )
    return pattern


ReadPattern = Annotated[str, AfterValidator(_check_pattern)]


class PrincipalEntry(BaseModel):
    """One principal and what it can read."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1)
    kind: PrincipalKind = "role"
    description: str | None = None
    member_count: int | None = Field(default=None, ge=0)
    third_party: bool = False
    purpose: str | None = None
    department: str | None = None
    mfa: bool | None = None
    can_login: bool | None = None
    member_of: list[str] = Field(default_factory=list)
    can_read: list[ReadPattern] = Field(default_factory=list)

    @model_validator(mode="after")
    def _third_party_kind(self) -> PrincipalEntry:
        if self.kind == "third_party":
            self.third_party = True
        return self


class GrantsDocument(BaseModel):
    """A whole grants file."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    description: str | None = None
    principals: list[PrincipalEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> GrantsDocument:
        names = [p.name for p in self.principals]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValueError(f"principal '{name}' is listed twice; merge the two entries")
            seen.add(name)
        for entry in self.principals:
            for role in entry.member_of:
                if role not in seen and role.upper() != PUBLIC:
                    raise ValueError(f"principal '{entry.name}' is member_of '{role}', which is not listed")
        return self


def load_grants_file(path: str | Path) -> GrantSet:
    """Read a YAML (``.yaml``/``.yml``/``.json``) or CSV grants file.

    Raises:
        GrantsFileError: unreadable, not YAML/CSV, or invalid; one line naming file, entry and field.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GrantsFileError(
            f"{path}: cannot read the grants file ({type(exc).__name__}); check the path"
        ) from None
    if suffix == ".csv":
        raw, labels = _csv_document(path, text)
    elif suffix in (".yaml", ".yml", ".json"):
        raw, labels = _yaml_document(path, text)
    else:
        raise GrantsFileError(f"{path}: grants files are .yaml, .yml, .json or .csv; rename or convert it")
    try:
        doc = GrantsDocument.model_validate(raw)
    except ValidationError as exc:
        raise GrantsFileError(_describe(path, exc, labels)) from None
    return to_grant_set(doc)


def to_grant_set(doc: GrantsDocument) -> GrantSet:
    """The validated document as a :class:`GrantSet` (all read grants are glob patterns)."""
    gs = GrantSet(source="grants-file")
    gs.principals[PUBLIC] = Principal(PUBLIC, "public")
    for entry in doc.principals:
        name = PUBLIC if entry.name.upper() == PUBLIC else entry.name
        gs.principals[name] = Principal(
            name,
            "public" if name == PUBLIC else entry.kind,
            member_count=entry.member_count,
            third_party=entry.third_party,
            purpose=entry.purpose,
            department=entry.department,
            mfa=entry.mfa,
            can_login=entry.can_login,
        )
        for role in entry.member_of:
            gs.memberships.append(Membership(name, PUBLIC if role.upper() == PUBLIC else role))
        gs.grants.extend(read_grant(name, pattern) for pattern in entry.can_read)
    return gs


def read_grant(principal: str, pattern: str) -> Grant:
    """A read grant for one ``[schema.]table[.column]`` pattern."""
    if pattern == "*":
        return Grant(principal, "SELECT", "global", "grants-file", pattern=True)
    parts = [part.strip() for part in pattern.split(".")]
    schema = parts[0] if len(parts) == 3 else None
    table = parts[-2] if len(parts) >= 2 else parts[0]
    column = parts[-1] if len(parts) >= 2 else None
    if column in (None, "*"):
        return Grant(principal, "SELECT", "table", "grants-file", schema, table, None, pattern=True)
    return Grant(principal, "SELECT", "column", "grants-file", schema, table, column, pattern=True)


def _yaml_document(path: Path, text: str) -> tuple[Any, Callable[[int], str]]:
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise GrantsFileError(
            f"{path}{where}: not valid YAML ({problem}); check indentation and quoting"
        ) from None
    if not isinstance(raw, dict):
        raise GrantsFileError(
            f"{path}: expected a mapping with a 'principals' list; e.g. {_EXAMPLES['principals']}"
        )
    entries = raw.get("principals")

    def label(index: int) -> str:
        name = (
            entries[index].get("name")
            if isinstance(entries, list) and isinstance(entries[index], dict)
            else None
        )
        return f"principals[{index}]" + (f" (name '{name}')" if name else "")

    return raw, label


def _csv_document(path: Path, text: str) -> tuple[Any, Callable[[int], str]]:
    """Fold CSV rows (one per principal and pattern) into the YAML document shape."""
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if "principal" not in header or unknown:
        detail = f"unknown column '{unknown[0]}'" if unknown else "missing column 'principal'"
        raise GrantsFileError(f"{path}: {detail}; CSV grants files have the columns {', '.join(CSV_COLUMNS)}")
    entries: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        name = cells.get("principal", "")
        if not name:
            raise GrantsFileError(f"{path}:{line}: column 'principal' is empty; every row names a principal")
        entry = entries.setdefault(name, {"name": name})
        first_line.setdefault(name, line)
        for column in CSV_COLUMNS[1:]:
            value = cells.get(column, "")
            if not value:
                continue
            if column in _LIST_COLUMNS:
                entry.setdefault(column, []).extend(v.strip() for v in value.split(";") if v.strip())
            elif column in entry and entry[column] != value:
                raise GrantsFileError(
                    f"{path}:{line}: principal '{name}' has {column} different from line {first_line[name]}; "
                    "give each attribute once or repeat the same value"
                )
            else:
                entry[column] = value
    order = list(entries)

    def label(index: int) -> str:
        name = order[index] if index < len(order) else "?"
        return f"line {first_line.get(name, '?')} (principal '{name}')"

    return {"principals": list(entries.values())}, label


def _describe(path: Path, exc: ValidationError, label: Callable[[int], str]) -> str:
    """First validation error as one line: file, entry, field, problem, example."""
    errors = exc.errors()
    err = errors[0]
    loc = list(err["loc"])
    where: list[str] = []
    if len(loc) >= 2 and loc[0] == "principals" and isinstance(loc[1], int):
        where.append(label(loc[1]))
        loc = loc[2:]
    field = ".".join(str(part) for part in loc if not isinstance(part, int))
    index = next((part for part in loc if isinstance(part, int)), None)
    if field:
        where.append(f"field '{field}'" + (f" item {index}" if index is not None else ""))
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown field (typo?)"
    hint = _EXAMPLES.get(field.split(".")[-1]) if field else None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    text = f"{path}: {': '.join(where) + ': ' if where else ''}{message}{more}"
    return text + (f"; e.g. {hint}" if hint else "")
