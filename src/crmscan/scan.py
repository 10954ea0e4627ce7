"""The scan pipeline: sources → tables → schema, count, sample → classification → ScanResult.

A failure is confined to the smallest thing it affects: a source that cannot be opened, a table whose
schema cannot be read, a sample that cannot be drawn. Each becomes a :class:`ScanError` in the result
while the rest of the scan goes on; a table whose rows cannot be read is still classified by its
column names and types.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from crmscan import __version__
from crmscan.classify.engine import Classifier
from crmscan.connectors.base import Connector
from crmscan.connectors.registry import group_sources, open_migrations, open_source
from crmscan.errors import ConnectorError, CrmscanError, UsageError, redact_url, safe_message
from crmscan.exposure import combine, load_grants, readers_for
from crmscan.grants import GrantSet
from crmscan.model import RowCount, ScanError, ScanResult, ScanSettings, TableRef, TableResult

ProgressHook = Callable[[str, int, int], None]


def now_utc() -> str:
    """The current time as ISO-8601 UTC with a ``Z``, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class _TableOutcome:
    table: TableResult | None
    errors: list[ScanError]


def run_scan(
    sources: list[str],
    settings: ScanSettings,
    classifier: Classifier,
    *,
    jobs: int = 4,
    progress: ProgressHook | None = None,
    connector_options: dict[str, object] | None = None,
    grants_file: Path | None = None,
    on_source: Callable[[Connector, ScanResult], None] | None = None,
) -> ScanResult:
    """Scan every source and return the combined result.

    Raises:
        UsageError: a source does not exist or is of an unsupported kind (nothing is scanned then,
            since a typo in one of several paths is a usage mistake, not a partial result).
    """
    if settings.sample_size < 0:
        raise UsageError("--sample-size must be 0 or more")
    file_grants = load_grants(grants_file) if grants_file is not None else None
    started = now_utc()
    result = ScanResult(
        tool_version=__version__, started=started, finished=started, sources=[], settings=settings
    )
    connectors: list[Connector] = []
    try:
        for source in group_sources(sources):
            try:
                if isinstance(source, list):
                    dialect = (connector_options or {}).get("dialect")
                    connectors.append(open_migrations(source, dialect=dialect))  # type: ignore[arg-type]
                else:
                    connectors.append(open_source(source, options=connector_options))
            except UsageError:
                raise
            except CrmscanError as exc:
                label = redact_url(source) if isinstance(source, str) else ", ".join(source)
                result.sources.append(label)
                result.errors.append(ScanError(label, None, "open", str(exc)))
        for connector in connectors:
            result.sources.append(connector.label)
            _scan_source(connector, settings, classifier, result, jobs, progress)
            _attach_grants(connector, file_grants, result)
            if on_source is not None:  # while the connector is open (migration file/line locations)
                on_source(connector, result)
    finally:
        for connector in connectors:
            try:
                connector.close()
            except Exception:  # noqa: BLE001 - closing must never mask the scan's outcome
                pass
    result.finished = now_utc()
    return result


def _scan_source(
    connector: Connector,
    settings: ScanSettings,
    classifier: Classifier,
    result: ScanResult,
    jobs: int,
    progress: ProgressHook | None,
) -> None:
    try:
        tables = [t for t in connector.tables() if _selected(t, settings)]
    except CrmscanError as exc:
        result.errors.append(ScanError(connector.label, None, "list", str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - a driver bug must not end the whole scan
        result.errors.append(ScanError(connector.label, None, "list", safe_message(exc)))
        return
    done = 0
    total = len(tables)
    if progress:
        progress(connector.label, 0, total)

    def work(table: TableRef) -> _TableOutcome:
        return _scan_table(connector, table, settings, classifier)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for outcome in pool.map(work, tables):
            if outcome.table is not None:
                result.tables.append(outcome.table)
            result.errors.extend(outcome.errors)
            done += 1
            if progress:
                progress(connector.label, done, total)


def _attach_grants(connector: Connector, file_grants: GrantSet | None, result: ScanResult) -> None:
    """Read the source's own grants (if it keeps any), layer a grants file over them, resolve readers."""
    source_grants = None
    read = getattr(connector, "grants", None)
    if callable(read):
        try:
            source_grants = read()
        except Exception as exc:  # noqa: BLE001 - no grants is a gap in the report, not a failed scan
            message = str(exc) if isinstance(exc, CrmscanError) else safe_message(exc)
            result.errors.append(ScanError(connector.label, None, "grants", message))
    grants = combine(source_grants, file_grants)
    if grants is None:
        return
    tables = [t for t in result.tables if t.ref.source == connector.label]
    result.grants[connector.label] = grants
    result.readers.update(readers_for(grants, tables))


def _selected(table: TableRef, settings: ScanSettings) -> bool:
    names = {table.name, table.qualified_name}
    if settings.include and not any(fnmatch.fnmatchcase(n, g) for g in settings.include for n in names):
        return False
    return not any(fnmatch.fnmatchcase(n, g) for g in settings.exclude for n in names)


def _scan_table(
    connector: Connector, table: TableRef, settings: ScanSettings, classifier: Classifier
) -> _TableOutcome:
    errors: list[ScanError] = []

    def fail(stage: str, exc: Exception) -> None:
        message = str(exc) if isinstance(exc, CrmscanError) else safe_message(exc)
        errors.append(ScanError(connector.label, table.qualified_name, stage, message))

    try:
        columns = connector.columns(table)
    except Exception as exc:  # noqa: BLE001 - recorded, the scan goes on
        fail("schema", exc)
        return _TableOutcome(None, errors)
    if settings.schema_only:
        # COUNT(*) reads every row; a schema-only scan is for people who may not read data at all.
        count = RowCount(None, False, "not counted")
    else:
        try:
            count = connector.row_count(table)
        except Exception as exc:  # noqa: BLE001
            fail("count", exc)
            count = RowCount(None, False, "unavailable")

    frame = None
    if not settings.schema_only and settings.sample_size > 0:
        try:
            frame = connector.sample(table, settings.sample_size, settings.seed)
        except Exception as exc:  # noqa: BLE001
            fail("sample", exc)
    try:
        if frame is None:
            import pandas as pd

            frame = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in columns})
        results = classifier.classify_frame(frame, columns, table=table.name)
    except ConnectorError as exc:
        fail("classify", exc)
        return _TableOutcome(None, errors)
    except Exception as exc:  # noqa: BLE001
        fail("classify", exc)
        return _TableOutcome(None, errors)
    table_result = TableResult(ref=table, row_count=count, sampled_rows=len(frame), columns=results)
    return _TableOutcome(table_result, errors)
