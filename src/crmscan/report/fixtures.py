"""A fixed, realistic :class:`ScanResult` for golden-file tests and template previews.

Renderers are checked byte for byte against files rendered from this fixture, so it must never
depend on the clock, the environment or randomness. It covers every category, every protection
level, several sensitivities, an unknown-ish row count, a table-level and a column-level error, and
evidence with masked examples, so a template change that drops one of them shows up in a golden diff.
Examples are written already masked, as the classifier would emit them: no raw value ever appears.

The database source carries a grants set (PUBLIC, an internal role, a support role, a third-party
agency, a BI service account, with purposes and head counts) resolved into readers by the real
:func:`crmscan.exposure.readers_for`; the file source has none, so its columns show "exposure unknown".
The risk engine then runs on the result exactly as in a scan, so findings and the ``risk`` object come
from the real rules in ``rules/`` and the golden files change whenever a weight or rule text does.
"""

from __future__ import annotations

from crmscan.exposure import readers_for
from crmscan.grants.model import Grant, GrantSet, Principal
from crmscan.model import (
    ColumnResult,
    ColumnStats,
    EntityMatch,
    Evidence,
    Protection,
    RowCount,
    ScanError,
    ScanResult,
    ScanSettings,
    Sensitivity,
    TableRef,
    TableResult,
)
from crmscan.risk import JURISDICTIONS, assess

STARTED = "2026-01-01T00:00:00Z"
FINISHED = "2026-01-01T00:00:42Z"
TOOL_VERSION = "0.0.0-test"

_DB = "crm_db"
_FILES = "exports"


def sample_scan_result(jurisdictions: tuple[str, ...] = JURISDICTIONS) -> ScanResult:
    """Two sources, five scanned tables (one with nothing sensitive), two errors, grants on the database
    source, and the risk assessment for *jurisdictions*; the same on every call."""
    result = _bare_sample()
    _attach_grants(result)
    assess(result, jurisdictions)
    return result


def _bare_sample() -> ScanResult:
    return ScanResult(
        tool_version=TOOL_VERSION,
        started=STARTED,
        finished=FINISHED,
        sources=[_DB, _FILES],
        settings=ScanSettings(sample_size=1000, seed=42, exclude=("*.tmp_*",)),
        tables=[_contacts(), _payments(), _tickets(), _stages(), _users()],
        errors=[
            ScanError(
                source=_DB,
                table="public.audit_log",
                stage="sample",
                message="permission denied for table audit_log; grant SELECT to the scanning role",
            ),
            ScanError(
                source=_DB,
                table="public.support_tickets",
                column="attachment",
                stage="classify",
                message="binary column (bytea) skipped: content types are not classified",
            ),
        ],
    )


def _entity(
    type_: str, category: str, confidence: float, matched: int, sampled: int, rule_id: str, basis: str
) -> EntityMatch:
    return EntityMatch(
        type=type_,
        category=category,
        confidence=confidence,
        match_ratio=matched / sampled if sampled else 0.0,
        matched=matched,
        sampled=sampled,
        rule_id=rule_id,
        basis=basis,
    )


def _plain(name: str, data_type: str, native: str, sampled: int, distinct: int) -> ColumnResult:
    """A column nothing fired on; it still appears in the inventory."""
    return ColumnResult(
        name=name,
        data_type=data_type,
        native_type=native,
        stats=ColumnStats(sampled=sampled, non_null=sampled, distinct=distinct, mean_length=8.0),
    )


def _contacts() -> TableResult:
    return TableResult(
        ref=TableRef(source=_DB, schema="public", name="contacts"),
        row_count=RowCount(value=12408, exact=True, method="count"),
        sampled_rows=1000,
        columns=[
            _plain("id", "integer", "int4", 1000, 1000),
            ColumnResult(
                name="full_name",
                data_type="string",
                native_type="varchar(200)",
                categories=["pii"],
                entities=[_entity("PERSON", "pii", 0.86, 912, 1000, "PII010", "name+value")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.86,
                evidence=[
                    Evidence("name", "PII010", "column name matches a person-name pattern"),
                    Evidence("value", "PII010", "values look like personal names", 912, 1000, ("J*** D**",)),
                ],
                stats=ColumnStats(sampled=1000, non_null=998, distinct=981, mean_length=13.4),
            ),
            ColumnResult(
                name="email",
                data_type="string",
                native_type="varchar(320)",
                categories=["pii"],
                entities=[_entity("EMAIL_ADDRESS", "pii", 0.99, 982, 1000, "PII001", "name+value")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.99,
                evidence=[
                    Evidence("name", "PII001", "column name matches an e-mail pattern"),
                    Evidence(
                        "value",
                        "PII001",
                        "values are e-mail addresses",
                        982,
                        1000,
                        ("j***@e***.com", "m***@c***.org"),
                    ),
                ],
                stats=ColumnStats(sampled=1000, non_null=990, distinct=988, mean_length=22.1),
            ),
            ColumnResult(
                name="phone",
                data_type="string",
                native_type="varchar(40)",
                categories=["pii"],
                entities=[_entity("PHONE_NUMBER", "pii", 0.93, 874, 1000, "PII002", "value")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.93,
                evidence=[
                    Evidence(
                        "value",
                        "PII002",
                        "values parse as phone numbers",
                        874,
                        1000,
                        ("+1 ***-***-0142", "+44 **** ***812"),
                    ),
                ],
            ),
            ColumnResult(
                name="date_of_birth",
                data_type="date",
                native_type="date",
                categories=["pii"],
                entities=[_entity("DATE_OF_BIRTH", "pii", 0.75, 0, 0, "PII020", "name")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.75,
                evidence=[
                    Evidence("name", "PII020", "column name matches a birth-date pattern"),
                    Evidence("type", "PII020", "declared type is date"),
                ],
                facts={"minors_under_14": 0.004, "minors_under_16": 0.011, "minors_under_18": 0.023},
            ),
            ColumnResult(
                name="religion",
                data_type="string",
                native_type="varchar(50)",
                categories=["special"],
                entities=[_entity("RELIGION", "special", 0.8, 311, 1000, "SPC003", "name+value")],
                sensitivity=Sensitivity.HIGH,
                confidence=0.8,
                evidence=[
                    Evidence("name", "SPC003", "column name matches a religion pattern"),
                    Evidence(
                        "value",
                        "SPC003",
                        "values match the religion vocabulary",
                        311,
                        1000,
                        ("C*******", "M*****"),
                    ),
                ],
                stats=ColumnStats(sampled=1000, non_null=42, distinct=6, mean_length=8.1),
            ),
            _plain("created_at", "timestamp", "timestamptz", 1000, 997),
        ],
    )


def _payments() -> TableResult:
    return TableResult(
        ref=TableRef(source=_DB, schema="public", name="payments"),
        row_count=RowCount(value=48210, exact=False, method="metadata"),
        sampled_rows=1000,
        columns=[
            _plain("payment_id", "string", "uuid", 1000, 1000),
            _plain("contact_id", "integer", "int4", 1000, 640),
            ColumnResult(
                name="card_number",
                data_type="string",
                native_type="varchar(19)",
                categories=["financial"],
                entities=[_entity("CREDIT_CARD", "financial", 0.97, 1000, 1000, "FIN001", "name+value")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.97,
                protection=Protection.MASKED,
                evidence=[
                    Evidence("name", "FIN001", "column name matches a card-number pattern"),
                    Evidence(
                        "protection",
                        "PROT001",
                        "values are masked: only the last 4 digits are visible",
                        1000,
                        1000,
                        ("**** **** **** 4242", "**** **** **** 1881"),
                    ),
                ],
            ),
            ColumnResult(
                name="card_token",
                data_type="string",
                native_type="varchar(64)",
                categories=["financial"],
                entities=[_entity("CREDIT_CARD", "financial", 0.7, 0, 0, "FIN001", "name")],
                sensitivity=Sensitivity.LOW,
                confidence=0.7,
                protection=Protection.TOKENIZED,
                evidence=[
                    Evidence("name", "FIN001", "column name matches a card-number pattern"),
                    Evidence(
                        "protection",
                        "PROT004",
                        "values are payment-provider tokens",
                        1000,
                        1000,
                        ("tok_****************9Qx",),
                    ),
                ],
            ),
            ColumnResult(
                name="iban_encrypted",
                data_type="string",
                native_type="bytea",
                categories=["financial"],
                entities=[_entity("IBAN_CODE", "financial", 0.65, 0, 0, "FIN002", "name")],
                sensitivity=Sensitivity.LOW,
                confidence=0.65,
                protection=Protection.ENCRYPTED,
                evidence=[
                    Evidence("name", "FIN002", "column name matches an IBAN pattern"),
                    Evidence(
                        "protection", "PROT003", "values look like ciphertext (high entropy)", 1000, 1000
                    ),
                ],
            ),
            _plain("amount", "decimal", "numeric(12,2)", 1000, 702),
        ],
    )


def _tickets() -> TableResult:
    return TableResult(
        ref=TableRef(source=_DB, schema="public", name="support_tickets"),
        row_count=RowCount(value=3120, exact=True, method="count"),
        sampled_rows=1000,
        columns=[
            _plain("ticket_id", "integer", "int4", 1000, 1000),
            _plain("subject", "string", "varchar(200)", 1000, 874),
            ColumnResult(
                name="body",
                data_type="string",
                native_type="text",
                categories=["health", "pii"],
                entities=[
                    _entity("MEDICAL_CONDITION", "health", 0.72, 34, 1000, "HLT002", "text"),
                    _entity("PERSON", "pii", 0.68, 210, 1000, "PII010", "text"),
                ],
                sensitivity=Sensitivity.HIGH,
                confidence=0.72,
                evidence=[
                    Evidence(
                        "text",
                        "HLT002",
                        "free text mentions medical conditions",
                        34,
                        1000,
                        ("… was diagnosed with ******** last …",),
                    ),
                    Evidence(
                        "text",
                        "PII010",
                        "free text mentions people by name",
                        210,
                        1000,
                        ("… ask for A*** …",),
                    ),
                ],
                stats=ColumnStats(sampled=1000, non_null=1000, distinct=1000, mean_length=412.7),
            ),
        ],
    )


def _stages() -> TableResult:
    """A lookup table with nothing sensitive: renderers must show it as clean, not skip it."""
    return TableResult(
        ref=TableRef(source=_DB, schema="public", name="deal_stages"),
        row_count=RowCount(value=7, exact=True, method="count"),
        sampled_rows=7,
        columns=[
            _plain("stage_id", "integer", "int2", 7, 7),
            _plain("label", "string", "varchar(40)", 7, 7),
        ],
    )


def _users() -> TableResult:
    return TableResult(
        ref=TableRef(source=_FILES, name="users.csv", kind="file", locator="exports/users.csv"),
        row_count=RowCount(value=1532, exact=True, method="file_scan"),
        sampled_rows=1000,
        columns=[
            ColumnResult(
                name="username",
                data_type="string",
                categories=["pii"],
                entities=[_entity("USERNAME", "pii", 0.6, 0, 0, "PII030", "name")],
                sensitivity=Sensitivity.LOW,
                confidence=0.6,
                evidence=[Evidence("name", "PII030", "column name matches a user-name pattern")],
            ),
            ColumnResult(
                name="password_hash",
                data_type="string",
                categories=["credential"],
                entities=[_entity("PASSWORD", "credential", 0.9, 1000, 1000, "CRD001", "name+value")],
                sensitivity=Sensitivity.MODERATE,
                confidence=0.9,
                protection=Protection.HASHED,
                evidence=[
                    Evidence("name", "CRD001", "column name matches a password pattern"),
                    Evidence(
                        "protection", "PROT002", "values are bcrypt hashes", 1000, 1000, ("$2b$12$****…",)
                    ),
                ],
            ),
            ColumnResult(
                name="api_key",
                data_type="string",
                categories=["credential"],
                entities=[_entity("API_KEY", "credential", 0.95, 1000, 1000, "CRD004", "value")],
                sensitivity=Sensitivity.HIGH,
                confidence=0.95,
                evidence=[
                    Evidence(
                        "value",
                        "CRD004",
                        "values match a live secret-key format",
                        1000,
                        1000,
                        ("sk_live_****************a1F3",),
                    ),
                ],
            ),
            ColumnResult(
                name="ssn",
                data_type="string",
                categories=["pii"],
                entities=[_entity("US_SSN", "pii", 0.97, 996, 1000, "PII040", "name+value")],
                sensitivity=Sensitivity.HIGH,
                confidence=0.97,
                evidence=[
                    Evidence("name", "PII040", "column name matches a social-security-number pattern"),
                    Evidence("value", "PII040", "values are valid US SSNs", 996, 1000, ("***-**-6789",)),
                ],
            ),
            _plain("last_login", "timestamp", "", 1000, 1000),
        ],
    )


def _grants() -> GrantSet:
    """Who can read the database source: one of each exposure tier the risk model knows."""
    gs = GrantSet(source="grants-file")
    principals = [
        Principal("PUBLIC", "public", member_count=310, purpose="company directory"),
        Principal("sales", "role", member_count=42, purpose="account management and pipeline", mfa=True),
        Principal("support", "role", member_count=18, purpose="handling customer cases", mfa=False),
        Principal(
            "mailer_agency",
            "third_party",
            member_count=4,
            third_party=True,
            purpose="email campaigns",
            mfa=False,
        ),
        Principal("bi_service", "service", purpose="reporting", can_login=True, mfa=False),
    ]
    gs.principals = {p.name: p for p in principals}

    def read(principal: str, table: str, column: str | None = None) -> Grant:
        kind = "column" if column else "table"
        return Grant(principal, "SELECT", kind, "grants-file", "public", table, column)  # type: ignore[arg-type]

    gs.grants = [
        read("PUBLIC", "contacts", "full_name"),
        read("PUBLIC", "contacts", "religion"),
        read("sales", "contacts"),
        read("sales", "payments"),
        read("support", "support_tickets"),
        read("support", "contacts", "email"),
        read("mailer_agency", "contacts", "email"),
        read("mailer_agency", "support_tickets", "body"),
        read("bi_service", "payments", "amount"),
        read("bi_service", "deal_stages"),
    ]
    return gs


def _attach_grants(result: ScanResult) -> None:
    gs = _grants()
    tables = [t for t in result.tables if t.ref.source == _DB]
    result.grants[_DB] = gs
    result.readers.update(readers_for(gs, tables))


def empty_scan_result() -> ScanResult:
    """A scan that found no tables at all: every renderer must still produce a sensible report."""
    result = ScanResult(
        tool_version=TOOL_VERSION, started=STARTED, finished=STARTED, sources=[], settings=ScanSettings()
    )
    assess(result, JURISDICTIONS)
    return result


#: Names a hostile or merely unlucky source can contain: HTML, Markdown table breakers, rich markup.
HOSTILE_TABLE = '"><img src=x onerror=alert(1)>'
HOSTILE_COLUMN = "<script>alert('x')</script>"
HOSTILE_PIPE_COLUMN = "a|b `c` [/] [bold]d[/bold]"
HOSTILE_MESSAGE = "bad value </td><script>alert(2)</script> [link](javascript:alert(3)) | *x*"
HOSTILE_PRINCIPAL = "<svg onload=alert(5)>|[red]agency[/red]"
HOSTILE_PURPOSE = "marketing <b>campaigns</b> | `x`"


def hostile_scan_result() -> ScanResult:
    """One table whose names try to inject markup into every output format."""
    column = ColumnResult(
        name=HOSTILE_COLUMN,
        data_type="string",
        categories=["pii"],
        entities=[_entity("EMAIL_ADDRESS", "pii", 0.9, 9, 10, "PII001", "value")],
        sensitivity=Sensitivity.HIGH,
        confidence=0.9,
        evidence=[
            Evidence("value", "PII001", "<b>values</b> | are e-mail", 9, 10, ("<i>x</i>***@e***.com",))
        ],
        comment="<!-- comment -->",
    )
    piped = ColumnResult(
        name=HOSTILE_PIPE_COLUMN,
        data_type="string",
        categories=["credential"],
        entities=[_entity("PASSWORD", "credential", 0.8, 0, 0, "CRD001", "name")],
        sensitivity=Sensitivity.MODERATE,
        confidence=0.8,
    )
    result = ScanResult(
        tool_version=TOOL_VERSION,
        started=STARTED,
        finished=FINISHED,
        sources=["src<1>"],
        settings=ScanSettings(),
        tables=[
            TableResult(
                ref=TableRef(source="src<1>", name=HOSTILE_TABLE, kind="file"),
                row_count=RowCount(value=None, exact=False, method="estimate"),
                sampled_rows=10,
                columns=[column, piped],
            )
        ],
        errors=[
            ScanError(
                source="src<1>",
                table=HOSTILE_TABLE,
                column=HOSTILE_COLUMN,
                stage="sample",
                message=HOSTILE_MESSAGE,
            )
        ],
    )
    gs = GrantSet(source="grants-file")
    gs.principals = {
        HOSTILE_PRINCIPAL: Principal(HOSTILE_PRINCIPAL, "third_party", 3, True, HOSTILE_PURPOSE),
        "PUBLIC": Principal("PUBLIC", "public"),
    }
    gs.grants = [
        Grant(HOSTILE_PRINCIPAL, "SELECT", "table", "grants-file", None, HOSTILE_TABLE),
        Grant("PUBLIC", "SELECT", "column", "grants-file", None, HOSTILE_TABLE, HOSTILE_COLUMN),
    ]
    result.grants["src<1>"] = gs
    result.readers.update(readers_for(gs, result.tables))
    assess(result, JURISDICTIONS)
    return result
