"""The regulation catalogue (``rules/regulations.yaml``): ids, titles, links, jurisdictions.

Findings cite regulations by permanent id (``GDPR-9``, ``PCI-3.3.1``); the catalogue turns an id into
a title and a link for the report, and ``--jurisdiction`` into the subset of ids to cite. Keeping the
catalogue as data lets a reviewer check every citation in one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, HttpUrl, model_validator

from crmscan.risk.loader import Strict, load_model, rules_path

#: Every jurisdiction ``--jurisdiction`` accepts; the catalogue must describe exactly these.
JURISDICTIONS: tuple[str, ...] = ("gdpr", "ccpa", "pipl", "lgpd", "hipaa", "pci", "glba")

_ID = r"^(GDPR|CCPA|PIPL|LGPD|HIPAA|PCI|GLBA)-[0-9A-Za-z.()\-]+$"


class Jurisdiction(Strict):
    """A law or standard family selected with ``--jurisdiction``."""

    name: str = Field(min_length=3)


class Regulation(Strict):
    """One citable article, section or requirement."""

    id: str = Field(pattern=_ID)
    jurisdiction: str
    title: str = Field(min_length=5)
    url: HttpUrl
    note: str | None = None


class Catalogue(Strict):
    """The whole of ``rules/regulations.yaml``."""

    version: int = Field(ge=1, le=1)
    jurisdictions: dict[str, Jurisdiction]
    regulations: list[Regulation] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        if sorted(self.jurisdictions) != sorted(JURISDICTIONS):
            raise ValueError(f"jurisdictions must be exactly {', '.join(JURISDICTIONS)}")
        seen: set[str] = set()
        for reg in self.regulations:
            if reg.id in seen:
                raise ValueError(f"regulation id {reg.id!r} is defined twice")
            seen.add(reg.id)
            if reg.jurisdiction not in self.jurisdictions:
                raise ValueError(f"{reg.id}: unknown jurisdiction {reg.jurisdiction!r}")
            prefix = reg.id.split("-", 1)[0].lower()
            if prefix != reg.jurisdiction:
                raise ValueError(f"{reg.id}: id prefix does not match jurisdiction {reg.jurisdiction!r}")
        return self


@dataclass(frozen=True)
class Regulations:
    """Lookup over the catalogue, with the jurisdiction filter applied by :meth:`cite`."""

    catalogue: Catalogue

    def get(self, reg_id: str) -> Regulation:
        """The regulation with *reg_id*; KeyError when unknown."""
        for reg in self.catalogue.regulations:
            if reg.id == reg_id:
                return reg
        raise KeyError(reg_id)

    def ids(self) -> set[str]:
        """Every id in the catalogue."""
        return {r.id for r in self.catalogue.regulations}

    def cite(self, reg_ids: list[str] | tuple[str, ...], jurisdictions: tuple[str, ...]) -> tuple[str, ...]:
        """The ids of *reg_ids* whose jurisdiction was selected, in catalogue order, without repeats."""
        wanted = set(reg_ids)
        return tuple(
            r.id for r in self.catalogue.regulations if r.id in wanted and r.jurisdiction in jurisdictions
        )

    def as_dicts(self, reg_ids: set[str]) -> list[dict[str, str]]:
        """Catalogue entries for *reg_ids*, in catalogue order, ready for the report document."""
        return [
            {"id": r.id, "jurisdiction": r.jurisdiction, "title": r.title, "url": str(r.url)}
            for r in self.catalogue.regulations
            if r.id in reg_ids
        ]


def load_regulations(path: Path | None = None) -> Regulations:
    """``rules/regulations.yaml`` (or *path*), validated.

    Raises:
        RuleError: naming file, line, entry and field.
    """
    return Regulations(load_model(path or rules_path("regulations.yaml"), Catalogue, "regulations"))
