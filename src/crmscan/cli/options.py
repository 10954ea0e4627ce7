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
    help="spaCy pipeline for names in free text: auto (en_core_web_sm if installed), none, or a package.",
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
Include = typer.Option([], "--include", help="Only tables matching this glob (repeatable).")
Exclude = typer.Option([], "--exclude", help="Skip tables matching this glob (repeatable).")
SchemaOnly = typer.Option(
    False, "--schema-only", help="Names, types, comments and grants only; not a single row is read."
)
Grants = typer.Option(
    None, "--grants", help="Grants file (YAML/CSV) or Salesforce FieldPermissions export: who can read what."
)
Schema = typer.Option(None, "--schema", help="Database schema to scan (default: all).")
QueryTimeout = typer.Option(30.0, "--query-timeout", min=0.1, help="Seconds per database query.")
Dialect = typer.Option(
    None,
    "--dialect",
    help="SQL dialect of migration files: postgres, mysql, sqlite or tsql (default: detected per file).",
)
Policy = typer.Option(
    [],
    "--policy",
    help="A team's policy file (YAML, fields as in rules/policies.yaml), applied after the built-in ones "
    "(repeatable).",
)
Baseline = typer.Option(
    None,
    "--baseline",
    help="Baseline file (crmscan baseline create): findings it lists are suppressed; only new ones count.",
)
FailOn = typer.Option(
    None,
    "--fail-on",
    help="Exit 1 when a finding not in the baseline is at or above this level: low, medium, high, critical.",
)
FailOnError = typer.Option(
    False,
    "--fail-on-error",
    help="Exit 3 when the scan is incomplete (a source, table or grant could not be read).",
)


def parse_fail_on(value: str | None) -> str | None:
    """``--fail-on`` checked against the levels; ``None`` (not given) never fails on findings."""
    from crmscan.gating.exitcodes import THRESHOLDS

    if value is None:
        return None
    level = value.strip().lower()
    if level not in THRESHOLDS:
        raise UsageError(f"--fail-on: unknown level '{value}'; choose from {', '.join(THRESHOLDS)}")
    return level


JURISDICTIONS = ("gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba")


def parse_lang(text: str) -> str:
    """The report language, checked before anything is scanned."""
    from crmscan.report.base import LANGUAGES

    lang = text.strip().lower()
    if lang not in LANGUAGES:
        raise UsageError(f"--lang: unknown language '{text}'; choose from {', '.join(LANGUAGES)}")
    return lang


def parse_jurisdictions(text: str) -> tuple[str, ...]:
    """``"gdpr,pipl"`` → ``("gdpr", "pipl")``; ``all`` → every jurisdiction; unknown names: usage error."""
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts or "all" in parts:
        return JURISDICTIONS
    unknown = [p for p in parts if p not in JURISDICTIONS]
    if unknown:
        raise UsageError(
            f"--jurisdiction: unknown '{unknown[0]}'; choose from {', '.join(JURISDICTIONS)} or all"
        )
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
