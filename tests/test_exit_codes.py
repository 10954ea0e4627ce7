"""The exit-code contract, decided by one pure function and tested as a table (checkov style)."""

from __future__ import annotations

import pytest

from crmscan.gating.exitcodes import FINDINGS, INCOMPLETE, INTERNAL, OK, THRESHOLDS, USAGE, exit_code

TABLE = [
    # levels of the counted findings, --fail-on, errors, --fail-on-error, expected
    ([], None, 0, False, OK),
    (["critical"], None, 0, False, OK),  # no --fail-on: report only
    (["critical"], None, 2, True, INCOMPLETE),
    ([], "low", 0, False, OK),
    (["info"], "low", 0, False, OK),  # info never fails a build
    (["low"], "low", 0, False, FINDINGS),
    (["low"], "medium", 0, False, OK),
    (["medium"], "medium", 0, False, FINDINGS),
    (["medium", "low"], "high", 0, False, OK),
    (["high"], "high", 0, False, FINDINGS),
    (["critical"], "high", 0, False, FINDINGS),
    (["high"], "critical", 0, False, OK),
    (["critical"], "critical", 0, False, FINDINGS),
    ([], "high", 1, False, OK),  # errors alone do not fail without --fail-on-error
    ([], "high", 1, True, INCOMPLETE),
    ([], None, ["an error"], True, INCOMPLETE),  # the errors themselves may be passed
    ([], "high", [], True, OK),
    (["medium"], "high", 3, True, INCOMPLETE),  # below threshold, but incomplete
    (["critical"], "high", 3, True, FINDINGS),  # a definite failure outranks an incomplete scan
]


@pytest.mark.parametrize(("levels", "threshold", "errors", "fail_on_error", "expected"), TABLE)
def test_exit_code_table(
    levels: list[str], threshold: str | None, errors: object, fail_on_error: bool, expected: int
) -> None:
    assert exit_code(levels, threshold, errors, fail_on_error) == expected  # type: ignore[arg-type]


def test_codes_are_distinct_and_documented() -> None:
    from crmscan.gating import exitcodes

    codes = [OK, FINDINGS, USAGE, INCOMPLETE, INTERNAL]
    assert codes == [0, 1, 2, 3, 4]
    for code in codes:
        assert f"\n{code}      " in exitcodes.__doc__  # type: ignore[operator]


def test_usage_error_code_matches_crmscan_error() -> None:
    from crmscan.cli.app import INTERNAL_ERROR
    from crmscan.errors import CrmscanError

    assert CrmscanError.exit_code == USAGE and INTERNAL_ERROR == INTERNAL


def test_thresholds_are_the_levels_least_severe_first() -> None:
    from crmscan.model import LEVELS

    assert THRESHOLDS == tuple(reversed([lvl for lvl in LEVELS if lvl != "info"]))


def test_unknown_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown threshold"):
        exit_code(["high"], "severe", 0, False)


def test_levels_may_be_a_generator() -> None:
    assert exit_code((lvl for lvl in ["high"]), "high", 0, False) == FINDINGS
