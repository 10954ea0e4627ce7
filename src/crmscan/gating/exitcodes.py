"""The exit-code contract, decided in one pure function (after checkov's ``get_exit_code``).

=====  =====================================================================================
code   meaning
=====  =====================================================================================
0      clean: no finding at or above ``--fail-on`` (or no ``--fail-on`` given), and the scan
       complete or ``--fail-on-error`` not given
1      at least one finding at or above ``--fail-on`` that the baseline does not suppress
2      usage or configuration error: bad option, missing source, malformed policy, rule,
       grants, baseline or migration file (one line on stderr: file, line, what)
3      scan incomplete: ``--fail-on-error`` was given and a source, table or grant could not
       be read (the report lists each error)
4      internal error (a crmscan bug; ``CRMSCAN_DEBUG=1`` shows the traceback)
=====  =====================================================================================

Findings outrank an incomplete scan: when both hold the exit code is 1, because a definite policy
failure is the more actionable of the two (the errors are in the report either way). ``info`` findings
never fail a build. Codes 2 and 4 come from exceptions before any finding exists
(:func:`crmscan.cli.app.main`); :func:`exit_code` decides 0, 1 and 3.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

OK = 0
FINDINGS = 1
USAGE = 2
INCOMPLETE = 3
INTERNAL = 4

#: ``--fail-on`` choices, least severe first; a threshold fails on itself and everything above it.
THRESHOLDS: tuple[str, ...] = ("low", "medium", "high", "critical")


def exit_code(
    findings_levels: Iterable[str],
    threshold: str | None,
    errors: int | Collection[object],
    fail_on_error: bool,
) -> int:
    """The process exit code for a finished scan.

    Args:
        findings_levels: the level of every finding that counts (suppressed findings left out).
        threshold: ``--fail-on`` (``low``, ``medium``, ``high``, ``critical``) or ``None`` for never.
        errors: the scan's errors, or how many there were.
        fail_on_error: ``--fail-on-error``: an incomplete scan fails the build.

    Raises:
        ValueError: *threshold* is not one of :data:`THRESHOLDS` (the CLI validates it first).
    """
    if threshold is not None:
        if threshold not in THRESHOLDS:
            raise ValueError(f"unknown threshold {threshold!r}; choose from {', '.join(THRESHOLDS)}")
        failing = set(THRESHOLDS[THRESHOLDS.index(threshold) :])
        if any(level in failing for level in findings_levels):
            return FINDINGS
    error_count = errors if isinstance(errors, int) else len(errors)
    if fail_on_error and error_count > 0:
        return INCOMPLETE
    return OK
