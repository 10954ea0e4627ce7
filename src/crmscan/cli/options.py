"""Options shared by the commands that scan."""

from __future__ import annotations

from pathlib import Path

import typer

from crmscan.errors import UsageError

FORMATS_HELP = "Report formats, comma-separated: json, html, md, sarif, junit."
DEFAULT_FORMATS = "json,html,md"
DEFAULT_OUT = Path("crmscan-report")

SampleSize = typer.Option(1000, "--sample-size", "-n", min=0, help="Rows sampled per table (0: names only).")
Seed = typer.Option(0, "--seed", help="Sampling seed; recorded in the report so a scan can be repeated.")
Out = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder the reports are written to.")
Formats = typer.Option(DEFAULT_FORMATS, "--format", "-f", help=FORMATS_HELP)
Jobs = typer.Option(4, "--jobs", "-j", min=1, max=64, help="Tables scanned at once.")
NlpModel = typer.Option(
    "auto",
    "--nlp-model",
    help="spaCy pipeline for names in free text: auto (en_core_web_sm if installed), none, or a package name.",
)
Jurisdiction = typer.Option(
    "all",
    "--jurisdiction",
    help="Laws cited in findings, comma-separated: gdpr, ccpa, pipl, lgpd, hipaa, pci, glba, or all.",
)
Client = typer.Option(None, "--client", help="Client name for the report cover.")
Assessor = typer.Option(None, "--assessor", help="Assessor name for the report cover.")
Lang = typer.Option("en", "--lang", help="Report language: en or zh.")
Quiet = typer.Option(False, "--quiet", "-q", help="No progress bar or summary; errors only.")


JURISDICTIONS = ("gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba")


def parse_jurisdictions(text: str) -> tuple[str, ...]:
    """``"gdpr,pipl"`` → ``("gdpr", "pipl")``; ``all`` → every jurisdiction; unknown names are a usage error."""
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts or "all" in parts:
        return JURISDICTIONS
    unknown = [p for p in parts if p not in JURISDICTIONS]
    if unknown:
        raise UsageError(f"--jurisdiction: unknown '{unknown[0]}'; choose from {', '.join(JURISDICTIONS)} or all")
    return tuple(p for p in JURISDICTIONS if p in parts)


def parse_formats(text: str) -> list:  # type: ignore[type-arg]
    """``"json,html"`` → ``[OutputFormat.JSON, OutputFormat.HTML]``; unknown names are a usage error."""
    from crmscan.report.base import OutputFormat

    formats = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part == "markdown":
            part = "md"
        try:
            fmt = OutputFormat(part)
        except ValueError:
            known = ", ".join(f.value for f in OutputFormat)
            raise UsageError(f"--format: unknown format '{part}'; choose from {known}") from None
        if fmt not in formats:
            formats.append(fmt)
    if not formats:
        raise UsageError("--format: give at least one format, e.g. --format json,html")
    return formats
