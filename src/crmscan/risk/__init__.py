"""Risk engine: scores each sensitive column against who can read it, and raises findings.

Placeholder until the engine lands: :func:`assess` leaves the scan without findings.
"""

from __future__ import annotations

from crmscan.model import ScanResult


def assess(result: ScanResult, jurisdictions: tuple[str, ...]) -> None:
    """Fill ``result.findings`` and ``result.risk`` for the selected jurisdictions."""
