"""``crmscan demo``: scan the bundled example CRM so a newcomer sees a full report in one command."""

from __future__ import annotations

from pathlib import Path

import typer

from crmscan.cli import options

DemoOut = typer.Option(Path("crmscan-report"), "--out", "-o", help="Folder the demo reports are written to.")


def demo(
    out: Path = DemoOut,
    fmt: str = options.Formats,
    nlp_model: str = options.NlpModel,
    lang: str = options.Lang,
    jurisdiction: str = options.Jurisdiction,
    quiet: bool = options.Quiet,
) -> None:
    """Scan the bundled example CRM (SQLite database, CSV exports, grants file) and write reports."""
    from crmscan.cli.run import ScanOptions, execute
    from crmscan.resources import data_dir

    demo_dir = data_dir("demo_crm")
    sources = [str(demo_dir / "crm.sqlite"), str(demo_dir / "exports")]
    execute(
        ScanOptions(
            sources=sources,
            out=out,
            formats=options.parse_formats(fmt),
            grants=demo_dir / "grants.yaml",
            nlp_model=nlp_model,
            client="Example CRM (demo data)",
            lang=options.parse_lang(lang),
            jurisdictions=options.parse_jurisdictions(jurisdiction),
            title="crmscan demo: example CRM",
            quiet=quiet,
        )
    )
    if not quiet:
        typer.echo(f"Open {out / 'report.html'} in a browser to read the demo report.")
