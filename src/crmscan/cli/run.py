"""Shared by ``scan`` and ``demo``: run the pipeline with a progress bar, write reports, summarise."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


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
    jobs: int = 4
    nlp_model: str = "auto"
    title: str = "crmscan data privacy report"
    client: str | None = None
    assessor: str | None = None
    lang: str = "en"
    jurisdictions: tuple[str, ...] = ("gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba")
    quiet: bool = False
    source_labels: dict[str, str] = field(default_factory=dict)


def execute(opts: ScanOptions, console: Console | None = None) -> dict[str, Any]:
    """Scan, write the reports, print the summary; returns the report document."""
    from crmscan.classify.engine import Classifier
    from crmscan.model import ScanSettings
    from crmscan.report.base import RenderOptions, write_reports
    from crmscan.report.document import build_document
    from crmscan.risk import assess as assess_risk
    from crmscan.scan import run_scan

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

    try:
        result = run_scan(
            opts.sources,
            settings,
            classifier,
            jobs=opts.jobs,
            progress=on_progress,
            connector_options={"schema": opts.schema, "query_timeout": opts.query_timeout},
            grants_file=opts.grants,
        )
    finally:
        if tasks:
            progress.stop()
    if classifier.notice and not opts.quiet:
        console.print(f"[yellow]{classifier.notice}[/yellow]")
    assess_risk(result, opts.jurisdictions)
    document = build_document(result)
    render = RenderOptions(title=opts.title, client=opts.client, assessor=opts.assessor, lang=opts.lang)
    paths = write_reports(document, opts.formats, opts.out, render)
    if not opts.quiet:
        from crmscan.report.console import print_summary

        print_summary(document, console)
        for path in paths:
            console.print(f"Report written: [bold]{path}[/bold]")
    return document
