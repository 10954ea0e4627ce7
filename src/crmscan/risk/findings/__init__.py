"""Finding rules, one module per family; the registry below is the only list of them.

Each family's ``check(ctx)`` yields :class:`~crmscan.risk.findings.base.Raised` records; rule texts,
levels and citations come from ``rules/findings.yaml``. Families are registered explicitly (not by
import side effects), and a test asserts every family named in the YAML has a module here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from crmscan.model import LEVELS, Finding
from crmscan.risk.findings import (
    access,
    cards,
    credentials,
    dpia,
    exposure,
    freetext,
    health,
    identifiers,
    minimisation,
    minors,
)
from crmscan.risk.findings.base import FindingContext, Raised, template_params, to_finding

Check = Callable[[FindingContext], Iterator[Raised]]

FAMILIES: dict[str, Check] = {
    "cards": cards.check,
    "exposure": exposure.check,
    "credentials": credentials.check,
    "health": health.check,
    "minors": minors.check,
    "freetext": freetext.check,
    "access": access.check,
    "minimisation": minimisation.check,
    "dpia": dpia.check,
    "identifiers": identifiers.check,
}


def run_families(ctx: FindingContext) -> list[tuple[Finding, Raised]]:
    """Every finding of every family, most severe first, each with the record it was built from."""
    out: list[tuple[Finding, Raised]] = []
    for name, check in FAMILIES.items():
        for raised in check(ctx):
            rule = ctx.rules[raised.rule_id]
            if rule.family != name:
                raise AssertionError(f"{raised.rule_id} raised by family {name}, declared {rule.family}")
            out.append((to_finding(raised, ctx), raised))
    out.sort(key=lambda pair: _order(pair[0]))
    return out


def _order(f: Finding) -> tuple[int, float, str, str, str, str]:
    return (LEVELS.index(f.level), -(f.score or 0.0), f.source, f.table or "", f.column or "", f.rule_id)


__all__ = ["FAMILIES", "FindingContext", "Raised", "run_families", "template_params", "to_finding"]
