"""Shared by ``scan``, ``demo`` and ``baseline``: scan, assess, apply policies and the baseline, report.

:func:`assess` runs the pipeline up to the findings (risk engine + policies, with file and line for
migration sources); :func:`execute` adds the baseline, the reports and the terminal summary, and returns
the report document from which :func:`gate` derives the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from crmscan.baseline import Baseline
    from crmscan.gating.policies import PolicySet
    from crmscan.model import ScanResult


@dataclass
class ScanOptions:
    """Everything one ``crmscan scan`` invocation asked for."""

    sources: list[str]
    out: Path
    formats: list[Any]
    sample_size: int = 1000
    seed: int = 0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    schema_only: bool = False
    grants: Path | None = None
    schema: str | None = None
    query_timeout: float = 30.0
    dialect: str | None = None
    jobs: int = 4
    nlp_model: str = "auto"
    title: str = "crmscan data privacy report"
    client: str | None = None
    assessor: str | None = None
    lang: str = "en"
    jurisdictions: tuple[str, ...] = ("gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba")
    quiet: bool = False
    source_labels: dict[str, str] = field(default_factory=dict)
    policies: tuple[Path, ...] = ()
    baseline: Path | None = None
    fail_on: str | None = None
    fail_on_error: bool = False


def load_gating(opts: ScanOptions) -> tuple[PolicySet, Baseline | None]:
    """Policies and baseline, loaded before anything is scanned: a typo fails at once (exit 2)."""
    from crmscan.baseline import load as load_baseline
    from crmscan.gating.policies import load_policies

    policies = load_policies(opts.policies)
    baseline = load_baseline(opts.baseline) if opts.baseline is not None else None
    return policies, baseline


def assess(
    opts: ScanOptions,
    console: Console | None = None,
    policies: PolicySet | None = None,
    apply_policies: bool = True,
    baseline: Baseline | None = None,
) -> ScanResult:
    """Scan, run the risk engine and the policies; every finding that can has its file and line.

    Findings the *baseline* accepts stay in ``findings`` (for the caller to list as suppressed) but are
    kept out of the risk summary, so its levels and counts match the reported findings.
    """
    import inspect

    from crmscan.classify.engine import Classifier
    from crmscan.gating.evaluate import evaluate
    from crmscan.gating.locations import Locations, collect
    from crmscan.model import ScanSettings
    from crmscan.risk import assess as assess_risk
    from crmscan.scan import run_scan

    if policies is None:
        policies, _ = load_gating(replace(opts, baseline=None))
    console = console or Console(stderr=True)
    settings = ScanSettings(
        sample_size=opts.sample_size,
        seed=opts.seed,
        schema_only=opts.schema_only,
        include=opts.include,
        exclude=opts.exclude,
        nlp_model=opts.nlp_model,
    )
    classifier = Classifier.default(nlp_model=opts.nlp_model, seed=opts.seed)
    if opts.nlp_model not in ("auto", "none"):
        classifier.prepare_nlp()  # an explicit model that is not installed is a usage error, up front
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=opts.quiet,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def on_progress(source: str, done: int, total: int) -> None:
        if not tasks:
            progress.start()  # only once a source is open: a usage error prints nothing but itself
        if source not in tasks:
            tasks[source] = progress.add_task(f"Scanning {source}", total=total)
        progress.update(tasks[source], completed=done, total=total)

    locations = Locations()
    hooks: dict[str, Any] = {}
    # The scan pipeline calls on_source(connector, result) while each connector is still open, so
    # sources that know file and line (migrations) can be asked where each column and grant is.
    if "on_source" in inspect.signature(run_scan).parameters:
        hooks["on_source"] = lambda connector, result: collect(connector, result, locations)
    try:
        result = run_scan(
            opts.sources,
            settings,
            classifier,
            jobs=opts.jobs,
            progress=on_progress,
            connector_options={
                "schema": opts.schema,
                "query_timeout": opts.query_timeout,
                "dialect": opts.dialect,
            },
            grants_file=opts.grants,
            **hooks,
        )
    finally:
        if tasks:
            progress.stop()
    if classifier.notice and not opts.quiet:
        console.print(f"[yellow]{classifier.notice}[/yellow]")
    accepted = None if baseline is None else (lambda f: baseline.get(f.fingerprint) is not None)
    assess_risk(result, opts.jurisdictions, suppressed=accepted)
    result.findings = [
        f if f.location is not None else _locate(f, locations, result) for f in result.findings
    ]
    if apply_policies:
        result.findings.extend(evaluate(policies, result, locations, opts.jurisdictions))
    return result


def gating_requested(opts: ScanOptions) -> bool:
    """True when the scan gates a build: policies then join the risk engine's findings.

    The built-in policies restate several risk findings as CI rules (CVV stored, credentials unhashed,
    PUBLIC readers); a consultant's report without any gating option shows the risk findings alone
    rather than each problem twice.
    """
    from crmscan.report.base import OutputFormat

    ci_formats = {OutputFormat.SARIF, OutputFormat.JUNIT}
    return bool(
        opts.fail_on or opts.policies or opts.baseline is not None or ci_formats.intersection(opts.formats)
    )


def execute(opts: ScanOptions, console: Console | None = None) -> dict[str, Any]:
    """Scan, write the reports, print the summary; returns the report document.

    With a baseline, findings it lists are taken out of ``findings`` (so no report counts them) and
    listed under ``baseline.suppressed`` with the triage that suppresses them.
    """
    from crmscan.baseline import split
    from crmscan.report.base import RenderOptions, write_reports
    from crmscan.report.document import build_document, finding_dict

    console = console or Console(stderr=True)
    policies, baseline = load_gating(opts)
    result = assess(opts, console, policies, apply_policies=gating_requested(opts), baseline=baseline)
    suppressed: list[Any] = []
    if baseline is not None:
        result.findings, suppressed = split(result.findings, baseline)
    document = build_document(result)
    if baseline is not None:
        document["baseline"] = {
            "file": Path(opts.baseline).as_posix() if opts.baseline else None,
            "suppressed": [
                {
                    "finding": finding_dict(f),
                    "triage": {"status": e.status, "reason": e.reason, "by": e.by, "at": e.at},
                }
                for f, e in sorted(suppressed, key=lambda pair: _order(pair[0]))
            ],
        }
    render = RenderOptions(title=opts.title, client=opts.client, assessor=opts.assessor, lang=opts.lang)
    paths = write_reports(document, opts.formats, opts.out, render)
    if not opts.quiet:
        from crmscan.report.console import print_summary

        print_summary(document, console)
        for path in paths:
            console.print(f"Report written: [bold]{path}[/bold]")
    return document


def gate(document: dict[str, Any], opts: ScanOptions, console: Console | None = None) -> int:
    """The exit code for *document* under ``--fail-on``/``--fail-on-error``, with the reasons printed."""
    from crmscan.cli.gating_output import print_gating
    from crmscan.gating.exitcodes import exit_code

    counted = document["findings"]
    code = exit_code((f["level"] for f in counted), opts.fail_on, document["errors"], opts.fail_on_error)
    print_gating(document, opts.fail_on, code, console or Console(stderr=True), quiet=opts.quiet)
    return code


def _locate(f: Any, locations: Any, result: ScanResult) -> Any:
    readers = result.readers.get((f.source, f.table or "", f.column or "")) or []
    return replace(f, location=locations.for_finding(f, [r.principal for r in readers]))


def _order(f: Any) -> tuple[int, str, str, str, str]:
    from crmscan.model import LEVELS

    return (LEVELS.index(f.level), f.source, f.table or "", f.column or "", f.rule_id)
