"""``crmscan scan``: scan sources, write reports, and gate on the findings (exit codes 0/1/2/3)."""

from __future__ import annotations

from pathlib import Path

import typer

from crmscan.cli import options

Sources = typer.Argument(
    ...,
    help="Database URLs (sqlite:///crm.db, postgresql://...), export files, folders of exports, or SQL "
    "migration files / a folder of them.",
)
Title = typer.Option("crmscan data privacy report", "--title", help="Report title.")


def scan(
    sources: list[str] = Sources,
    out: Path = options.Out,
    fmt: str = options.Formats,
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
    title: str = Title,
    client: str | None = options.Client,
    assessor: str | None = options.Assessor,
    lang: str = options.Lang,
    jurisdiction: str = options.Jurisdiction,
    policy: list[Path] = options.Policy,
    baseline: Path | None = options.Baseline,
    fail_on: str | None = options.FailOn,
    fail_on_error: bool = options.FailOnError,
    quiet: bool = options.Quiet,
) -> None:
    """Scan SOURCES, classify every column, apply the policies, write reports to --out.

    Exit codes: 0 clean or below --fail-on; 1 a finding not in the baseline at or above --fail-on;
    2 usage or configuration error; 3 scan incomplete with --fail-on-error.
    """
    from crmscan.cli.run import ScanOptions, execute, gate

    opts = ScanOptions(
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
        dialect=dialect,
        jobs=jobs,
        nlp_model=nlp_model,
        title=title,
        client=client,
        assessor=assessor,
        lang=options.parse_lang(lang),
        jurisdictions=options.parse_jurisdictions(jurisdiction),
        quiet=quiet,
        policies=tuple(policy),
        baseline=baseline,
        fail_on=options.parse_fail_on(fail_on),
        fail_on_error=fail_on_error,
    )
    document = execute(opts)
    code = gate(document, opts)
    if code:
        raise typer.Exit(code)
