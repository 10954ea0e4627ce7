"""Baselines: the findings a team already knows about, with their triage (after detect-secrets).

A baseline is a versioned JSON file, written with sorted keys and sorted entries so that the same scan
always gives the same bytes and a pull request shows a readable diff::

    {
      "findings": [
        {
          "at": "2026-11-30", "by": "alice", "column": "ssn", "fingerprint": "3f1c…",
          "level": "high", "reason": "tokenised by the app; column holds vault tokens",
          "rule_id": "POL006", "source": "migrations", "status": "accepted",
          "table": "crm.customers", "title": "Government identifier stored unprotected"
        }
      ],
      "version": 1
    }

Every entry suppresses its finding in ``crmscan scan --baseline``: only what is new can fail a build.
``status`` (``accepted`` or ``false_positive``, with ``reason``, ``by`` and ``at``) records a person's
decision and survives ``crmscan baseline update`` (:func:`merge`); entries without one were accepted
wholesale when the baseline was created. There are no timestamps besides the triage date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmscan.errors import UsageError
from crmscan.model import Finding, ScanResult

BASELINE_VERSION = 1
Status = Literal["accepted", "false_positive"]
STATUSES: tuple[str, ...] = ("accepted", "false_positive")


class BaselineError(UsageError):
    """A baseline file is missing or malformed; the message names file, line, entry and field (exit 2)."""


class Entry(BaseModel):
    """One known finding and, once a person looked at it, their decision."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fingerprint: str = Field(pattern=r"^[0-9a-f]{32}$")
    rule_id: str = Field(min_length=1)
    level: Literal["critical", "high", "medium", "low", "info"]
    source: str
    table: str | None = None
    column: str | None = None
    title: str = ""
    status: Status | None = None
    reason: str | None = None
    by: str | None = None
    at: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]+)?$")

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        expected = Finding(self.rule_id, self.level, "", "", self.source, self.table, self.column).fingerprint
        if self.fingerprint != expected:
            raise ValueError(
                "fingerprint does not match source/table/column/rule_id (edit only status, reason, by, at)"
            )
        if self.status is not None and not (self.reason or "").strip():
            raise ValueError(f"status {self.status!r} needs a reason saying why")
        return self

    @property
    def triaged(self) -> bool:
        """True once a person set a status."""
        return self.status is not None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    findings: list[Entry]


@dataclass
class Baseline:
    """Entries by fingerprint."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.entries

    def get(self, fingerprint: str) -> Entry | None:
        """The entry for *fingerprint*, if the baseline knows it."""
        return self.entries.get(fingerprint)

    def sorted_entries(self) -> list[Entry]:
        """Entries in file order: (source, table, column, rule id)."""
        return sorted(
            self.entries.values(), key=lambda e: (e.source, e.table or "", e.column or "", e.rule_id)
        )


def entry_for(finding: Finding, old: Entry | None = None) -> Entry:
    """The baseline entry of *finding*, keeping the triage of *old* (the same fingerprint's entry)."""
    return Entry(
        fingerprint=finding.fingerprint,
        rule_id=finding.rule_id,
        level=finding.level,  # type: ignore[arg-type]
        source=finding.source,
        table=finding.table,
        column=finding.column,
        title=finding.title,
        status=old.status if old else None,
        reason=old.reason if old else None,
        by=old.by if old else None,
        at=old.at if old else None,
    )


def from_findings(findings: Iterable[Finding]) -> Baseline:
    """A fresh baseline holding every finding, untriaged."""
    return Baseline({f.fingerprint: entry_for(f) for f in findings})


def merge(
    old: Baseline, result: ScanResult, findings: Iterable[Finding] | None = None
) -> tuple[Baseline, dict[str, int]]:
    """``baseline update``: the findings of *result*, keeping every triage decision of *old*.

    Entries for findings that are gone are dropped — except where the scan could not look (a source not
    scanned this time, a source or table that failed with an error): those are kept as they are, so an
    incomplete scan never erases a person's decision. Returns the baseline and counts of ``added``,
    ``kept`` (triage carried over or refreshed), ``removed`` and ``unscanned`` entries.
    """
    found = list(result.findings if findings is None else findings)
    new = Baseline()
    counts = {"added": 0, "kept": 0, "removed": 0, "unscanned": 0}
    for f in found:
        previous = old.get(f.fingerprint)
        new.entries[f.fingerprint] = entry_for(f, previous)
        counts["kept" if previous is not None else "added"] += 1
    scanned = set(result.sources)
    failed_sources = {e.source for e in result.errors if e.table is None}
    failed_tables = {(e.source, e.table) for e in result.errors if e.table is not None}
    for fp, entry in old.entries.items():
        if fp in new.entries:
            continue
        if (
            entry.source not in scanned
            or entry.source in failed_sources
            or (entry.source, entry.table) in failed_tables
        ):
            new.entries[fp] = entry
            counts["unscanned"] += 1
        else:
            counts["removed"] += 1
    return new, counts


def split(
    findings: Iterable[Finding], baseline: Baseline
) -> tuple[list[Finding], list[tuple[Finding, Entry]]]:
    """(new findings, suppressed findings with the baseline entry that suppresses each)."""
    new: list[Finding] = []
    suppressed: list[tuple[Finding, Entry]] = []
    for f in findings:
        entry = baseline.get(f.fingerprint)
        if entry is None:
            new.append(f)
        else:
            suppressed.append((f, entry))
    return new, suppressed


def triage(
    baseline: Baseline,
    fingerprint: str,
    *,
    status: str,
    reason: str,
    by: str,
    at: str,
    known: Iterable[Finding] = (),
) -> Entry:
    """Record a decision on the finding whose fingerprint is (or starts with) *fingerprint*.

    A finding not yet in the baseline is added from *known* (the findings of a report), so a reviewer
    can accept one new finding without baselining the others.

    Raises:
        BaselineError: unknown or ambiguous fingerprint, unknown status, or no reason.
    """
    if status not in STATUSES:
        raise BaselineError(f"--status {status}: choose {' or '.join(STATUSES)}")
    if not reason.strip():
        raise BaselineError("--reason: say why the finding is accepted or a false positive")
    prefix = fingerprint.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{6,32}", prefix):
        raise BaselineError(f"{fingerprint}: a fingerprint is 6 to 32 hex digits (see the report's findings)")
    candidates: dict[str, Finding | Entry] = {
        fp: e for fp, e in baseline.entries.items() if fp.startswith(prefix)
    }
    if not candidates:
        candidates = {f.fingerprint: f for f in known if f.fingerprint.startswith(prefix)}
    if not candidates:
        raise BaselineError(
            f"{fingerprint}: no such finding in the baseline; "
            "pass --report with the scan report that lists it"
        )
    if len(candidates) > 1:
        raise BaselineError(f"{fingerprint}: matches {len(candidates)} findings; give more digits")
    ((fp, item),) = candidates.items()
    base = item if isinstance(item, Entry) else entry_for(item)
    updated = base.model_copy(update={"status": status, "reason": reason.strip(), "by": by, "at": at})
    updated = Entry.model_validate(updated.model_dump())
    baseline.entries[fp] = updated
    return updated


def dumps(baseline: Baseline) -> str:
    """The file's text: sorted keys and entries, two-space indent, trailing newline."""
    doc = {
        "version": BASELINE_VERSION,
        "findings": [e.model_dump() for e in baseline.sorted_entries()],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def save(baseline: Baseline, path: Path) -> None:
    """Write *baseline* to *path* (atomically: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(baseline), encoding="utf-8")
    tmp.replace(path)


def load(path: Path) -> Baseline:
    """Read and validate a baseline file.

    Raises:
        BaselineError: one line, ``file:line: entry N (fingerprint …): field 'status': what is wrong``.
    """
    if not path.is_file():
        raise BaselineError(
            f"{path}: no such baseline; create one with `crmscan baseline create SOURCE --out {path}`"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({type(exc).__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "version" not in data:
        raise BaselineError(
            f"{path}: not a crmscan baseline (no 'version'); create one with `crmscan baseline create`"
        )
    if data["version"] != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: baseline version {data['version']!r} is not supported (this crmscan writes "
            f"version {BASELINE_VERSION}); upgrade crmscan or re-create the baseline"
        )
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise BaselineError(_describe(path, text, data, exc)) from None
    baseline = Baseline()
    for index, entry in enumerate(parsed.findings):
        if entry.fingerprint in baseline.entries:
            line = _line_of_text(text, entry.fingerprint, nth=2)
            where = f"{path}:{line}" if line else str(path)
            raise BaselineError(
                f"{where}: entry {index + 1}: fingerprint {entry.fingerprint[:12]}… is listed twice"
            )
        baseline.entries[entry.fingerprint] = entry
    return baseline


def _describe(path: Path, text: str, data: dict[str, object], exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where, who = str(path), ""
    if len(loc) >= 2 and loc[0] == "findings" and isinstance(loc[1], int):
        items = data.get("findings")
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        line = _line_of_text(text, fp) if isinstance(fp, str) and fp else None
        where = f"{path}:{line}" if line else where
        who = (
            f"entry {loc[1] + 1}"
            + (f" (fingerprint {fp[:12]}…)" if isinstance(fp, str) and fp else "")
            + ": "
        )
        loc = loc[2:]
    field_name = ".".join(str(p) for p in loc) or "(entry)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown field (an entry has {', '.join(Entry.model_fields)})"
    return f"{where}: {who}field '{field_name}': {msg}"


def _line_of_text(text: str, needle: str, nth: int = 1) -> int | None:
    start = -1
    for _ in range(nth):
        start = text.find(f'"{needle}"', start + 1)
        if start < 0:
            return None
    return text.count("\n", 0, start) + 1
