"""``crmscan baseline create|update|triage``: the findings a team already knows about.

``create`` scans and writes every finding, untriaged; ``update`` re-scans and merges, keeping each
person's decision (detect-secrets style); ``triage`` records one decision (``accepted`` or
``false_positive``, with reason, who and when) — on an entry, or on a new finding taken from a report.
Scan with the same options in CI (``crmscan scan ... --baseline FILE``) so the fingerprints match.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import typer

from crmscan.cli import options

app = typer.Typer(
    name="baseline",
    help="Create, update and triage a baseline of known findings (for `crmscan scan --baseline`).",
    no_args_is_help=True,
)

Sources = typer.Argument(..., help="The same SOURCES `crmscan scan` is given in CI.")
Force = typer.Option(False, "--force", help="Overwrite an existing baseline (its triage is lost).")
BaselineOut = typer.Option(..., "--out", "-o", help="The baseline file (JSON), e.g. .crmscan/baseline.json.")


@app.command("create")
def create(
    sources: list[str] = Sources,
    out: Path = BaselineOut,
    force: bool = typer.Option(False, "--force", help="Overwrite an existing baseline (its triage is lost)."),
    sample_size: int = options.SampleSize,
    seed: int = options.Seed,
    include: list[str] = options.Include,
    exclude: list[str] = options.Exclude,
    schema_only: bool = options.SchemaOnly,
    grants: Path | None = options.Grants,
    schema: str | None = options.Schema,
    query_timeout: float = options.QueryTimeout,
    dialect: str | None = options.Dialect,
    jobs: int = options.Jobs,
    nlp_model: str = options.NlpModel,
    jurisdiction: str = options.Jurisdiction,
    policy: list[Path] = options.Policy,
    quiet: bool = options.Quiet,
) -> None:
    """Scan SOURCES and write every finding to a new baseline file."""
    from crmscan.baseline import from_findings, save
    from crmscan.errors import UsageError

    if out.exists() and not force:
        raise UsageError(
            f"{out}: baseline exists; use `crmscan baseline update` to keep its triage, "
            "or --force to replace it"
        )
    result = _scan(locals())
    baseline = from_findings(result.findings)
    save(baseline, out)
    _report(out, f"{len(baseline.entries)} findings", result, quiet)


@app.command("update")
def update(
    sources: list[str] = Sources,
    out: Path = BaselineOut,
    sample_size: int = options.SampleSize,
    seed: int = options.Seed,
    include: list[str] = options.Include,
    exclude: list[str] = options.Exclude,
    schema_only: bool = options.SchemaOnly,
    grants: Path | None = options.Grants,
    schema: str | None = options.Schema,
    query_timeout: float = options.QueryTimeout,
    dialect: str | None = options.Dialect,
    jobs: int = options.Jobs,
    nlp_model: str = options.NlpModel,
    jurisdiction: str = options.Jurisdiction,
    policy: list[Path] = options.Policy,
    quiet: bool = options.Quiet,
) -> None:
    """Re-scan SOURCES and merge into the baseline, keeping every triage decision."""
    from crmscan.baseline import load, merge, save

    old = load(out)
    result = _scan(locals())
    new, counts = merge(old, result)
    save(new, out)
    parts = [f"{len(new.entries)} findings", f"{counts['added']} added", f"{counts['kept']} kept"]
    parts.append(f"{counts['removed']} removed")
    if counts["unscanned"]:
        parts.append(f"{counts['unscanned']} kept unchanged where the scan could not look")
    _report(out, ", ".join(parts), result, quiet)


BaselineFile = typer.Argument(..., metavar="BASELINE", help="The baseline file to edit.")
Fingerprint = typer.Argument(..., help="The finding's fingerprint (at least 6 leading hex digits).")
Status = typer.Option("accepted", "--status", help="accepted or false_positive.")
Reason = typer.Option(..., "--reason", help="Why: the review's conclusion, a ticket.")
By = typer.Option(None, "--by", help="Who decided (default: $CRMSCAN_USER, git author or $USER).")
At = typer.Option(None, "--at", help="When, YYYY-MM-DD (default: today, UTC).")
Report = typer.Option(
    None, "--report", help="A scan's report.json listing the finding, when it is not in the baseline yet."
)


@app.command("triage")
def triage(
    baseline_file: Path = BaselineFile,
    fingerprint: str = Fingerprint,
    status: str = Status,
    reason: str = Reason,
    by: str | None = By,
    at: str | None = At,
    report: Path | None = Report,
) -> None:
    """Record a decision on one finding; a new finding is added from --report."""
    from crmscan.baseline import load, save
    from crmscan.baseline import triage as record

    baseline = load(baseline_file)
    known = _report_findings(report) if report is not None else []
    entry = record(
        baseline,
        fingerprint,
        status=status,
        reason=reason,
        by=by or _who(),
        at=at or dt.datetime.now(dt.timezone.utc).date().isoformat(),
        known=known,
    )
    save(baseline, baseline_file)
    obj = ".".join(p for p in (entry.table, entry.column) if p) or entry.source
    typer.echo(f"{baseline_file}: {entry.rule_id} {obj} [{entry.fingerprint[:12]}] marked {entry.status}")


def _scan(params: dict[str, Any]) -> Any:
    from crmscan.cli.run import ScanOptions, assess, load_gating

    opts = ScanOptions(
        sources=params["sources"],
        out=Path("."),
        formats=[],
        sample_size=params["sample_size"],
        seed=params["seed"],
        include=tuple(params["include"]),
        exclude=tuple(params["exclude"]),
        schema_only=params["schema_only"],
        grants=params["grants"],
        schema=params["schema"],
        query_timeout=params["query_timeout"],
        dialect=params["dialect"],
        jobs=params["jobs"],
        nlp_model=params["nlp_model"],
        jurisdictions=options.parse_jurisdictions(params["jurisdiction"]),
        quiet=params["quiet"],
        policies=tuple(params["policy"]),
    )
    policies, _ = load_gating(opts)
    return assess(opts, policies=policies)


def _report(out: Path, what: str, result: Any, quiet: bool) -> None:
    if result.errors:
        typer.echo(
            f"crmscan: warning: the scan had {len(result.errors)} errors; findings of what could not be read "
            "are missing from the baseline (see `crmscan scan` for the list)",
            err=True,
        )
    if not quiet:
        typer.echo(f"Baseline written: {out} ({what})", err=True)


def _who() -> str:
    for name in ("CRMSCAN_USER", "GIT_AUTHOR_NAME", "GITLAB_USER_LOGIN", "GITHUB_ACTOR", "USER", "USERNAME"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return "unknown"


def _report_findings(path: Path) -> list[Any]:
    """Findings (new and suppressed) of a crmscan JSON report."""
    from crmscan.diff import load_report
    from crmscan.model import Finding

    document = load_report(path)
    suppressed = (document.get("baseline") or {}).get("suppressed", [])
    items = list(document.get("findings", [])) + [s["finding"] for s in suppressed]
    return [
        Finding(
            f["rule_id"], f["level"], f["title"], f["message"], f["source"], f.get("table"), f.get("column")
        )
        for f in items
    ]
