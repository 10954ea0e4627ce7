"""``crmscan scan``: scan sources and write reports."""

from __future__ import annotations

from pathlib import Path

import typer

from crmscan.cli import options


def scan(
    sources: list[str] = typer.Argument(
        ..., help="Database URLs (sqlite:///crm.db, postgresql://...), export files, or folders of exports."
    ),
    out: Path = options.Out,
    fmt: str = options.Formats,
    sample_size: int = options.SampleSize,
    seed: int = options.Seed,
    include: list[str] = typer.Option([], "--include", help="Only tables matching this glob (repeatable)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Skip tables matching this glob (repeatable)."),
    schema_only: bool = typer.Option(
        False, "--schema-only", help="Names, types, comments and grants only; not a single row is read."
    ),
    grants: Path | None = typer.Option(
        None, "--grants", help="Grants file (YAML/CSV) or Salesforce FieldPermissions export: who can read what."
    ),
    schema: str | None = typer.Option(None, "--schema", help="Database schema to scan (default: all)."),
    query_timeout: float = typer.Option(30.0, "--query-timeout", min=0.1, help="Seconds per database query."),
    jobs: int = options.Jobs,
    nlp_model: str = options.NlpModel,
    title: str = typer.Option("crmscan data privacy report", "--title", help="Report title."),
    client: str | None = options.Client,
    assessor: str | None = options.Assessor,
    lang: str = options.Lang,
    jurisdiction: str = options.Jurisdiction,
    quiet: bool = options.Quiet,
) -> None:
    """Scan SOURCES, classify every column, and write reports to --out."""
    from crmscan.cli.run import ScanOptions, execute

    execute(
        ScanOptions(
            sources=sources,
            out=out,
            formats=options.parse_formats(fmt),
            sample_size=sample_size,
            seed=seed,
            include=tuple(include),
            exclude=tuple(exclude),
            schema_only=schema_only,
            grants=grants,
            schema=schema,
            query_timeout=query_timeout,
            jobs=jobs,
            nlp_model=nlp_model,
            title=title,
            client=client,
            assessor=assessor,
            lang=lang,
            jurisdictions=options.parse_jurisdictions(jurisdiction),
            quiet=quiet,
        )
    )
