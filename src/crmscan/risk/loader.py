"""Load a YAML data file of the risk engine into a pydantic model, failing loudly.

The risk engine's weights, regulation catalogue, finding rules and cost figures are data in ``rules/``.
A typo there must stop the run with one line naming the file, the line, the entry and the field —
never silently drop a rule or fall back to a default weight (checkov's mistake; presidio's habit).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from crmscan.errors import RuleError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every risk data model: unknown keys are errors and loaded objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def rules_path(name: str) -> Path:
    """``rules/<name>`` inside the wheel or the checkout."""
    from crmscan.resources import data_dir

    return data_dir("rules") / name


def load_model(path: Path, model: type[M], list_key: str | None = None) -> M:
    """Parse *path* and validate it against *model*.

    Args:
        path: the YAML file.
        model: the pydantic model of the whole file.
        list_key: the top-level key holding a list of entries with an ``id`` (or ``jurisdiction``), so
            errors can say which entry is wrong, e.g. ``rule RSK004``.

    Raises:
        RuleError: ``file:line: entry X: field 'a.b': message`` for the first problem found.
    """
    return _load_cached(path.resolve(), model, list_key)  # type: ignore[return-value]


@cache
def _load_cached(path: Path, model: type[BaseModel], list_key: str | None) -> BaseModel:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise RuleError(
            f"{path}: cannot read ({type(exc).__name__}); reinstall crmscan or fix the path"
        ) from None
    except UnicodeDecodeError:
        raise RuleError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RuleError(f"{path}{where}: {problem}; fix the YAML syntax") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(describe(path, node, data, list_key, exc)) from None


def describe(path: Path, node: Any, data: Any, list_key: str | None, exc: ValidationError) -> str:
    """One line: ``file:line: rule RSK001: field 'level': Input should be 'critical', ...``."""
    errors = exc.errors()
    # A misspelt key shows up twice: as an unknown key and as a missing one. The unknown key has the
    # exact line and the spelling the user typed, so report that one.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = list(err["loc"])
    line = line_of(node, loc)
    where = f"{path}:{line}" if line else str(path)
    who = ""
    if list_key and len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        item = data[list_key][loc[1]] if isinstance(data, dict) else None
        ident = None
        if isinstance(item, dict):
            ident = item.get("id") or item.get("regulation") or item.get("jurisdiction")
        who = f"entry {ident or '#' + str(loc[1] + 1)}: "
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "(entry)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field (check the spelling against the comments at the top of the file)"
    return f"{where}: {who}field '{field}': {msg}"


def line_of(node: Any, loc: list[Any]) -> int | None:
    """Follow *loc* through the composed YAML node tree to the 1-based line of the offending item."""
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line
