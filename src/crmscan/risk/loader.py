"""Load a YAML data file of the risk engine into a pydantic model, failing loudly.

The risk engine's weights, regulation catalogue, finding rules and cost figures are data in ``rules/``.
A typo there must stop the run with one line naming the file, the line, the entry and the field —
never silently drop a rule or fall back to a default weight (checkov's mistake; presidio's habit).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from crmscan.errors import RuleError
from crmscan.yamlerrors import describe, read_yaml

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
    data, node = read_yaml(path, "risk data file")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(
            describe(
                path, node, data, list_key, exc, noun="entry", id_keys=("id", "regulation", "jurisdiction")
            )
        ) from None
