"""One-line errors for YAML data files validated with pydantic: ``file:line: rule ID: field 'x': why``.

Rule packs, policies, risk weights and the regulation catalogue are all hand-edited YAML; a typo must
name the file, the line, the entry and the field, and say what is wrong, never be dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crmscan.errors import RuleError

#: libyaml's parser when PyYAML was built with it (several times faster than the pure-Python one; every
#: command reads all rule packs, so this is start-up time), else the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlText:
    """A YAML file's text whose node tree (for error line numbers) is composed only when asked for.

    Composing costs as much as parsing, and only an error message ever needs a line number.
    """

    text: str

    @cached_property
    def node(self) -> Any:
        """The composed node tree (``yaml.Node``), or None for an empty document."""
        return yaml.compose(self.text, Loader=_LOADER)


def load_yaml(text: str) -> Any:
    """*text* parsed as YAML with :data:`_LOADER` (safe: plain data only, no Python objects)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - _LOADER is a SafeLoader


def read_yaml(path: Path, what: str = "rule file") -> tuple[Any, YamlText]:
    """(parsed data, the text for :func:`line_of`) of *path*.

    Raises:
        RuleError: unreadable, not UTF-8, or a YAML syntax error (with its line).
    """
    try:
        text = path.read_text(encoding="utf-8")
        return load_yaml(text), YamlText(text)
    except OSError as exc:
        raise RuleError(f"{path}: cannot read {what} ({type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise RuleError(f"{path}: not UTF-8 text; save the {what} as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RuleError(f"{path}{where}: {problem}; fix the YAML syntax") from None


def line_of(node: Any, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the YAML node at *loc* in the composed tree, or of its nearest ancestor.

    *node* is a composed tree or a :class:`YamlText` (composed here, once).
    """
    if isinstance(node, YamlText):
        node = node.node
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
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def describe(
    path: Path,
    node: Any,
    data: Any,
    list_key: str | None,
    exc: ValidationError,
    *,
    noun: str = "rule",
    id_keys: tuple[str, ...] = ("id",),
    unknown_hint: str = "check the spelling against the comments at the top of the file",
) -> str:
    """One line naming where (file:line), which entry (its id) and which field, and why."""
    errors = exc.errors()
    # A misspelt key shows up twice: as an unknown key and as a missing one. The unknown key has the
    # exact line and the spelling the user typed, so report that one.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = list(err["loc"])
    line = line_of(node, loc)
    where = f"{path}:{line}" if line else str(path)
    who = ""
    if list_key and len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        items = data.get(list_key) if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        ident = next((item.get(k) for k in id_keys if isinstance(item, dict) and item.get(k)), None)
        who = f"{noun} {ident or '#' + str(loc[1] + 1)}: "
        loc = loc[2:]
    field = ".".join(str(p) for p in loc) or "(entry)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown field ({unknown_hint})"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{where}: {who}field '{field}': {msg}"
