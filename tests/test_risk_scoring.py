"""Scores move the right way: wider readers raise them, protection lowers them; every score explains itself.

Cases go through the real path: a GrantSet resolved by :func:`crmscan.exposure.readers_for`, then
:func:`crmscan.risk.assess` on a ScanResult, so the grid checks what a scan would report.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from crmscan.exposure import readers_for
from crmscan.grants.model import Grant, GrantSet, Principal, RlsPolicy
from crmscan.model import (
    LEVELS,
    ColumnResult,
    ColumnStats,
    EntityMatch,
    Protection,
    RowCount,
    ScanResult,
    ScanSettings,
    Sensitivity,
    TableRef,
    TableResult,
)
from crmscan.risk import JURISDICTIONS, assess, load_risk_data

SOURCE = "crm"


def _entity(type_: str, category: str, basis: str = "name+value") -> EntityMatch:
    return EntityMatch(type_, category, 0.9, 0.9, 900, 1000, "X000", basis)


def column(
    name: str = "religion",
    category: str = "special",
    entity: str = "RELIGION",
    sensitivity: Sensitivity = Sensitivity.HIGH,
    protection: Protection = Protection.NONE,
    filled: int = 1000,
) -> ColumnResult:
    return ColumnResult(
        name=name,
        data_type="string",
        categories=[category],
        entities=[_entity(entity, category)],
        sensitivity=sensitivity,
        confidence=0.9,
        protection=protection,
        stats=ColumnStats(sampled=1000, non_null=filled, distinct=filled),
    )


EMAIL = column("email", "pii", "EMAIL_ADDRESS", Sensitivity.MODERATE)

#: principal, kind, member count, third party
READERS: dict[str, tuple[str, str, int | None, bool]] = {
    "owner": ("", "", None, False),
    "internal": ("sales", "role", 12, False),
    "internal_many": ("all_staff_role", "role", 60, False),
    "third_party": ("agency", "third_party", 5, True),
    "public": ("PUBLIC", "public", 240, False),
    "anonymous": ("guest", "anonymous", None, False),
}


def scan(
    target: ColumnResult,
    reader: str | None = "internal",
    rows: int = 2000,
    with_identifier: bool = True,
    source_grants: str = "grants-file",
    write: bool = False,
    rls: bool = False,
) -> ScanResult:
    """One table (contacts) holding *target* (and an e-mail column), readable by *reader*.

    ``reader=None``: the source has no grants information at all.
    """
    columns = ([EMAIL] if with_identifier else []) + [target]
    table = TableResult(
        TableRef(SOURCE, "contacts", "public"), RowCount(rows, True, "count"), min(rows, 1000), columns
    )
    result = ScanResult(
        "0", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", [SOURCE], ScanSettings(), [table]
    )
    if reader is not None:
        gs = GrantSet(source=source_grants)  # type: ignore[arg-type]
        name, kind, count, third = READERS[reader]
        if name:
            gs.principals[name] = Principal(name, kind, member_count=count, third_party=third)  # type: ignore[arg-type]
            gs.grants.append(
                Grant(name, "SELECT", "column", source_grants, "public", "contacts", target.name)
            )  # type: ignore[arg-type]
            if write:
                gs.grants.append(Grant(name, "UPDATE", "table", source_grants, "public", "contacts"))  # type: ignore[arg-type]
            if rls:
                gs.policies.append(RlsPolicy("public", "contacts", "own_rows", (name,), "SELECT"))
                gs.rls[("public", "contacts")] = False
        result.grants[SOURCE] = gs
        result.readers.update(readers_for(gs, [table]))
    assess(result, JURISDICTIONS)
    return result


def risk_of(result: ScanResult, name: str = "religion") -> dict[str, Any]:
    return next(c for c in result.risk["columns"] if c["column"] == name)  # type: ignore[union-attr,index]


def score(target: ColumnResult, reader: str | None = "internal", **kw: Any) -> float:
    return risk_of(scan(target, reader, **kw), target.name)["score"]


PROTECTIONS = [
    Protection.NONE,
    Protection.MASKED,
    Protection.HASHED,
    Protection.TOKENIZED,
    Protection.ENCRYPTED,
]
EXPOSURES = ["owner", "internal", "internal_many", "third_party", "public", "anonymous"]


@pytest.fixture(scope="module")
def grid() -> dict[tuple[str, Protection], float]:
    return {(r, p): score(column(protection=p), r) for r, p in itertools.product(EXPOSURES, PROTECTIONS)}


def test_public_beats_one_internal_role_for_every_stored_form(
    grid: dict[tuple[str, Protection], float],
) -> None:
    for p in PROTECTIONS:
        assert grid[("public", p)] > grid[("internal", p)], p


def test_hashed_scores_lower_than_cleartext_for_every_reader(
    grid: dict[tuple[str, Protection], float],
) -> None:
    for r in EXPOSURES:
        assert grid[(r, Protection.HASHED)] < grid[(r, Protection.NONE)], r


def test_order_of_reader_tiers(grid: dict[tuple[str, Protection], float]) -> None:
    for p in PROTECTIONS:
        ordered = [grid[(r, p)] for r in ("owner", "internal", "third_party", "public", "anonymous")]
        assert ordered == sorted(ordered) and len(set(ordered)) == len(ordered), (p, ordered)
        assert grid[("internal_many", p)] > grid[("internal", p)], "fifty or more people add exposure"


def test_order_of_stored_forms(grid: dict[tuple[str, Protection], float]) -> None:
    for r in EXPOSURES:
        none, masked, hashed = (
            grid[(r, Protection.NONE)],
            grid[(r, Protection.MASKED)],
            grid[(r, Protection.HASHED)],
        )
        assert none > masked > hashed, r
        assert hashed == grid[(r, Protection.TOKENIZED)] == grid[(r, Protection.ENCRYPTED)]


def test_levels_at_the_anchors() -> None:
    # GDPR 9 + 25(2): special-category data open to every account is critical.
    assert risk_of(scan(column(), "public"))["level"] == "critical"
    # Contact data open to every account is high; read by one small internal role it is low.
    email = column("work_email", "pii", "EMAIL_ADDRESS", Sensitivity.MODERATE)
    assert risk_of(scan(email, "public"), "work_email")["level"] == "high"
    assert risk_of(scan(email, "internal"), "work_email")["level"] == "low"
    # A hashed secret only the owner can read is informational.
    secret = column("password_hash", "credential", "PASSWORD_HASH", Sensitivity.HIGH, Protection.HASHED)
    assert risk_of(scan(secret, "owner"), "password_hash")["level"] == "info"


def test_volume_and_identifiability_raise_impact() -> None:
    by_rows = [score(column(), "internal", rows=n) for n in (50, 500, 5000, 2_000_000)]
    assert by_rows == sorted(by_rows) and len(set(by_rows)) == 4
    assert score(column(), "internal", with_identifier=False) < score(column(), "internal")
    # Sparse columns count the records that hold a value, not the table's rows.
    assert score(column(filled=30), "internal") < score(column(filled=1000), "internal")


def test_write_access_and_row_level_security() -> None:
    plain = score(column(), "internal", source_grants="postgresql")
    assert score(column(), "internal", source_grants="postgresql", write=True) > plain
    assert score(column(), "internal", source_grants="postgresql", rls=True) < plain
    written = risk_of(scan(column(), "internal", source_grants="postgresql", write=True))
    assert written["readers"][0]["write"] is True and "write access" in written["factors"]["exposure"]["text"]
    # A grants file lists reads only: write access is unknown, not "no".
    assert risk_of(scan(column(), "internal"))["readers"][0]["write"] is None


def test_unknown_exposure_is_labelled_not_hidden() -> None:
    result = scan(column(), None)
    entry = risk_of(result)
    assert entry["exposure_known"] is False and entry["factors"]["exposure"]["code"] == "unknown"
    assert (
        "exposure unknown" in entry["factors"]["exposure"]["text"]
        and "exposure unknown" in entry["explanation"]
    )
    assert result.risk["limitations"]["exposure_unknown_columns"] == 2  # type: ignore[index]  # email too
    weights = load_risk_data().weights
    assert entry["factors"]["exposure"]["value"] == weights.exposure.unknown
    owner_only = risk_of(scan(column(), "owner"))
    assert owner_only["exposure_known"] is True and owner_only["factors"]["exposure"]["code"] == "owner_only"


def test_every_score_has_its_factors_and_one_line() -> None:
    entry = risk_of(scan(column(), "third_party"))
    assert 0 <= entry["score"] <= 100 and entry["level"] in LEVELS
    assert set(entry["factors"]) == {"sensitivity", "identifiability", "volume", "exposure", "protection"}
    assert entry["driver"] == "agency"
    assert entry["explanation"].startswith(f"{entry['level']} ({entry['score']:.0f}/100):")
    assert "agency (third party)" in entry["explanation"] and "\n" not in entry["explanation"]
    assert entry["readers"] == [
        {
            "principal": "agency",
            "tier": "third_party",
            "people": 5,
            "people_known": True,
            "purpose": None,
            "row_filter": False,
            "write": None,
            "exposure": 5.0,
            "likelihood": 5.0,
            "score": entry["readers"][0]["score"],
            "level": entry["readers"][0]["level"],
        }
    ]


def test_rollups_take_the_worst_level_and_count_every_level() -> None:
    result = scan(column(), "public")
    risk: Any = result.risk
    assert risk["overall"]["level"] == "critical"
    assert set(risk["overall"]["columns_by_level"]) == set(LEVELS)
    assert sum(risk["overall"]["columns_by_level"].values()) == 2  # email and religion
    assert risk["tables"][0]["level"] == "critical" and risk["tables"][0]["identifiability"] == "direct"
    assert risk["sources"][0]["source"] == SOURCE and risk["sources"][0]["exposure_known"] is True


def test_assess_is_deterministic_and_does_not_duplicate() -> None:
    result = scan(column(), "public")
    first = (list(result.findings), dict(result.risk))
    assess(result, JURISDICTIONS)
    assert result.findings == first[0] and result.risk == first[1]


def test_weights_are_data(tmp_path: Any) -> None:
    """Doubling the third-party tier weight in a copy of rules/risk.yaml changes the score accordingly."""
    from crmscan.resources import data_dir
    from crmscan.risk import RiskData
    from crmscan.risk.weights import load_weights

    path = tmp_path / "risk.yaml"
    text = (data_dir("rules") / "risk.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("third_party: 5 ", "third_party: 2 "), encoding="utf-8")
    data = load_risk_data()
    custom = RiskData(load_weights(path), data.regulations, data.rules, data.costs)
    result = scan(column(), "third_party")
    before = risk_of(result)["score"]
    assess(result, JURISDICTIONS, data=custom)
    after = risk_of(result)["score"]
    assert after < before and risk_of(result)["readers"][0]["exposure"] == 2.0
