"""Output formats and the renderer registry.

``OutputFormat`` is used directly as the CLI option type; :func:`renderer_for` maps each member to its
renderer class explicitly (no import side effects), and a test asserts every member has one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol


class OutputFormat(str, Enum):
    """Report formats written to ``--out``."""

    JSON = "json"
    HTML = "html"
    MD = "md"
    SARIF = "sarif"
    JUNIT = "junit"


#: Languages of the HTML report (one catalogue each under report_templates/i18n/).
LANGUAGES: tuple[str, ...] = ("en", "zh")


@dataclass(frozen=True)
class RenderOptions:
    """Presentation-only settings; they never change what was found."""

    title: str = "crmscan data privacy report"
    client: str | None = None
    assessor: str | None = None
    lang: str = "en"


class Renderer(Protocol):
    """Turns the report document (see :mod:`crmscan.report.document`) into one file's text."""

    filename: str

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The full text of the output file."""
        ...


def renderer_for(fmt: OutputFormat) -> Renderer:
    """The renderer that writes *fmt*."""
    if fmt is OutputFormat.JSON:
        from crmscan.report.json_report import JsonRenderer

        return JsonRenderer()
    if fmt is OutputFormat.HTML:
        from crmscan.report.html import HtmlRenderer

        return HtmlRenderer()
    if fmt is OutputFormat.MD:
        from crmscan.report.markdown import MarkdownRenderer

        return MarkdownRenderer()
    if fmt is OutputFormat.SARIF:
        from crmscan.report.sarif import SarifRenderer

        return SarifRenderer()
    if fmt is OutputFormat.JUNIT:
        from crmscan.report.junit import JunitRenderer

        return JunitRenderer()
    raise AssertionError(f"no renderer for {fmt!r}")  # pragma: no cover - guarded by a test


def write_reports(
    document: dict[str, Any], formats: list[OutputFormat], out_dir: Path, options: RenderOptions
) -> list[Path]:
    """Render every requested format into *out_dir*; returns the written paths in format order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        renderer = renderer_for(fmt)
        path = out_dir / renderer.filename
        path.write_text(renderer.render(document, options), encoding="utf-8")
        written.append(path)
    return written


def dumps_stable(obj: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
