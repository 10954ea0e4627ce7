"""The versioned JSON report: the machine-readable contract (``schemas/report.schema.json``)."""

from __future__ import annotations

from typing import Any

from crmscan.report.base import RenderOptions, dumps_stable


class JsonRenderer:
    """Writes ``report.json``."""

    filename = "report.json"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The document as stable JSON; same scan, same bytes apart from the two timestamps."""
        return dumps_stable(document)
