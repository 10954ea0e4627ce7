"""The data model shared by connectors, classifier, risk engine and renderers.

Plain dataclasses so every stage can be tested on its own and the JSON report is a straight
serialisation of these objects (see :mod:`crmscan.report.json_report`). Nothing here holds a raw
cell value: samples live only inside the scan of one table and are dropped once classified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

#: Sensitivity categories, in the order used whenever they are listed (most regulated first is not
#: implied: the per-column ``categories`` list is ordered by weight, this is only the vocabulary).
CATEGORIES: tuple[str, ...] = ("pii", "financial", "health", "special", "credential")

Category = Literal["pii", "financial", "health", "special", "credential"]


class Sensitivity(str, Enum):
    """How harmful disclosure of a column would be, after Google SDP's data-risk levels."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Position in the ordering none < low < moderate < high."""
        return _SENSITIVITY_ORDER.index(self)


_SENSITIVITY_ORDER = [Sensitivity.NONE, Sensitivity.LOW, Sensitivity.MODERATE, Sensitivity.HIGH]


class Protection(str, Enum):
    """What the stored values look like: a masked or hashed column leaks less than cleartext."""

    NONE = "none"
    MASKED = "masked"
    HASHED = "hashed"
    ENCRYPTED = "encrypted"
    TOKENIZED = "tokenized"


TableKind = Literal["table", "view", "file", "sheet"]


@dataclass(frozen=True, order=True)
class TableRef:
    """One table of one source: a database table/view, a file, or a sheet of a workbook.

    ``locator`` is connector-private (a file path, a sheet name); it is never shown in reports beyond
    what ``name`` already says.
    """

    source: str
    name: str
    schema: str | None = None
    kind: TableKind = "table"
    locator: str = ""

    @property
    def qualified_name(self) -> str:
        """``schema.name`` when there is a schema, else ``name``."""
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True)
class ColumnInfo:
    """Schema facts about one column, known before reading any row."""

    name: str
    data_type: str
    native_type: str = ""
    comment: str | None = None
    nullable: bool | None = None


@dataclass(frozen=True)
class RowCount:
    """A table's row count and how trustworthy it is.

    ``method`` says where the figure came from (``count``, ``metadata``, ``file_scan``, ``estimate``)
    so a report can say "about 50 M rows (from table statistics)" instead of pretending.
    """

    value: int | None
    exact: bool
    method: str


@dataclass(frozen=True)
class EntityMatch:
    """One entity type found in a column, with how strongly and how often."""

    type: str
    category: str
    confidence: float
    match_ratio: float
    matched: int
    sampled: int
    rule_id: str
    basis: str  # "name", "value", "name+value", "text"


@dataclass(frozen=True)
class Evidence:
    """A fact a person can check: which rule fired, on how many of how many sampled values.

    ``examples`` are always masked (see :mod:`crmscan.masking`).
    """

    kind: str  # "name", "comment", "value", "text", "type", "protection", "override"
    rule_id: str
    detail: str
    matched: int | None = None
    sampled: int | None = None
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnStats:
    """Counts over the sample, never the values themselves."""

    sampled: int
    non_null: int
    distinct: int
    mean_length: float = 0.0


@dataclass
class ColumnResult:
    """The classifier's verdict on one column."""

    name: str
    data_type: str
    native_type: str = ""
    comment: str | None = None
    categories: list[str] = field(default_factory=list)
    entities: list[EntityMatch] = field(default_factory=list)
    sensitivity: Sensitivity = Sensitivity.NONE
    confidence: float = 0.0
    protection: Protection = Protection.NONE
    evidence: list[Evidence] = field(default_factory=list)
    stats: ColumnStats | None = None
    #: Aggregate facts the risk engine needs, never values: e.g. ``minors_under_16`` (share of sampled
    #: birth dates of people under 16).
    facts: dict[str, float] = field(default_factory=dict)

    @property
    def is_sensitive(self) -> bool:
        """True when at least one category was assigned."""
        return bool(self.categories)


@dataclass
class TableResult:
    """A scanned table: schema, counts and one result per column, in source order."""

    ref: TableRef
    row_count: RowCount
    sampled_rows: int
    columns: list[ColumnResult] = field(default_factory=list)


@dataclass(frozen=True)
class ScanError:
    """Something that could not be scanned; the rest of the scan went on without it."""

    source: str
    table: str | None
    stage: str  # "open", "list", "schema", "count", "sample", "classify"
    message: str
    column: str | None = None


@dataclass(frozen=True)
class ScanSettings:
    """The knobs that change what a scan finds; recorded in every report for reproducibility."""

    sample_size: int = 1000
    seed: int = 0
    schema_only: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    nlp_model: str = "none"


#: Risk and finding levels, most severe first.
LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class Reader:
    """Someone who can effectively read a column, and how (a flattened grants ``ReadPath``)."""

    principal: str
    kind: str  # role, user, group, public, service, third_party, anonymous, superuser
    privilege: str = "SELECT"
    via: tuple[str, ...] = ()
    basis: str = "grant"  # grant, owner, superuser, predefined-role
    object_type: str = "table"  # global, schema, table, column
    row_filter: tuple[str, ...] = ()
    rows_visible: bool = True
    requires_set_role: bool = False
    third_party: bool = False


@dataclass(frozen=True)
class Finding:
    """A risk or policy finding about one object, mapped to law and with a concrete remediation.

    Identity (``fingerprint``) is (source, table, column, rule id) only — never values, scores, counts
    or times — so the same database scanned twice yields the same fingerprints (detect-secrets style).
    """

    rule_id: str
    level: str  # one of LEVELS
    title: str
    message: str
    source: str
    table: str | None = None
    column: str | None = None
    score: float | None = None
    factors: tuple[tuple[str, str], ...] = ()
    records: int | None = None
    readers: tuple[str, ...] = ()
    regulations: tuple[str, ...] = ()
    remediation: str = ""
    location: tuple[str, int] | None = None  # (file, line) when the finding comes from a migration

    @property
    def fingerprint(self) -> str:
        """A stable hex id of (source, table, column, rule id)."""
        import hashlib

        key = "\x1f".join((self.source, self.table or "", self.column or "", self.rule_id))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass
class ScanResult:
    """Everything a renderer needs. Timestamps are ISO-8601 UTC strings.

    ``readers`` maps (source, qualified table name, column) to who can read that column, for sources
    with grants (from the database or a grants file). ``grants`` keeps each source's GrantSet for the
    per-principal view. ``findings`` and ``risk`` are filled by the risk engine when it runs.
    """

    tool_version: str
    started: str
    finished: str
    sources: list[str]
    settings: ScanSettings
    tables: list[TableResult] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    grants: dict[str, object] = field(default_factory=dict)
    readers: dict[tuple[str, str, str], list[Reader]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    risk: dict[str, object] = field(default_factory=dict)
