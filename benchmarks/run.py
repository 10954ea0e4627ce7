"""Run crmscan's column classifier and its peers on the reference CRM table; print a comparison.

Usage::

    python benchmarks/run.py                       # 2,000 rows, every tool, both modes
    python benchmarks/run.py --rows 100000         # the 100k-row table
    python benchmarks/run.py --tools crmscan,presidio-pattern --modes inprocess
    python benchmarks/run.py --json results.json

Every tool runs in a fresh process of its own interpreter (see ``peers.py``), so the peak memory
reported is that tool's alone. Two modes:

* ``inprocess``: the classification call only, timed inside the child after imports, model
  loading, reading the CSV and a 20-row warm-up (reported separately as ``setup``).
* ``command``: the wall time of the whole process as a user runs it: the CLI for tools that have
  one (crmscan, piiscope); for libraries without a CLI (presidio-structured, DataProfiler) the
  equivalent script, i.e. the same child as the in-process run, timed from start to exit.

Nothing here asserts on time: the figures are printed and saved, never checked against a limit.
This script needs only the standard library; the table is generated with the project venv.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402
from peers import TOOLS, RunResult, canonical_entity, spawn_measured  # noqa: E402

BENCH_DIR = peers.BENCH_DIR
DATA_DIR = BENCH_DIR / "data"
MODES = ("inprocess", "command")


# ------------------------------------------------------------------------------------------------
# The table and its ground truth
# ------------------------------------------------------------------------------------------------


def ensure_table(rows: int, regenerate: bool = False, names_in_notes: int = 0) -> tuple[Path, dict[str, Any]]:
    """CSV path and manifest for ``rows`` rows, generating them with make_table.py if needed."""
    stem = f"crm_{rows}" + (f"_names{names_in_notes}" if names_in_notes else "")
    csv_path = DATA_DIR / f"{stem}.csv"
    manifest_path = DATA_DIR / f"{stem}.manifest.json"
    if regenerate or not (csv_path.exists() and manifest_path.exists()):
        python = peers.PROJECT_PYTHON if peers.PROJECT_PYTHON.exists() else Path(sys.executable)
        print(f"generating {csv_path.name} with {python} ...", file=sys.stderr)
        command = [str(python), str(BENCH_DIR / "make_table.py"), "--rows", str(rows)]
        subprocess.run([*command, "--names-in-notes", str(names_in_notes)], check=True)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return csv_path, manifest


@dataclass
class Score:
    """How many of the table's columns a tool got right."""

    right: int
    strict_right: int
    total: int
    wrong: list[str]
    strict_wrong: list[str]


def score(result: RunResult, truth: dict[str, str], expected_entity: dict[str, str]) -> Score:
    """Category score, plus a strict score that also wants the right entity on sensitive columns.

    A column is right when the tool's mapped category equals the ground truth (``pii``,
    ``financial`` or ``none``). It is strictly right when, in addition, a sensitive column is
    named as the right kind of thing: an address column called ``PHONE_NUMBER`` is pii, so right,
    but not strictly right.
    """
    wrong: list[str] = []
    strict_wrong: list[str] = []
    for col, want in truth.items():
        got = result.labels.get(col, "none")
        if got != want:
            wrong.append(f"{col}={got}")
            strict_wrong.append(col)
            continue
        if col in expected_entity:
            ent = result.entities.get(col, "")
            if ent and canonical_entity(ent) != expected_entity[col]:
                strict_wrong.append(f"{col}~{ent}")
    total = len(truth)
    return Score(total - len(wrong), total - len(strict_wrong), total, wrong, strict_wrong)


# ------------------------------------------------------------------------------------------------
# Running the tools
# ------------------------------------------------------------------------------------------------


def run_inprocess(tool_name: str, csv_path: Path, timeout: float) -> tuple[RunResult, peers.Measured | None]:
    """Run ``peers.py inprocess TOOL`` in the tool's interpreter; return the result and the child."""
    tool = TOOLS[tool_name]
    python = tool.python()
    if python is None:
        venv = peers.VENVS.get(tool.venv_key or "", "?")
        return peers.unavailable(
            tool_name, "inprocess", f"{venv} missing: run bash benchmarks/setup_peers.sh"
        ), None
    with tempfile.TemporaryDirectory(prefix="bench-result-") as tmp:
        out = Path(tmp) / "result.json"
        proc = spawn_measured(
            [
                str(python),
                str(BENCH_DIR / "peers.py"),
                "inprocess",
                tool_name,
                str(csv_path),
                "--out",
                str(out),
            ],
            timeout=timeout,
        )
        if out.exists():
            result = RunResult.from_json(json.loads(out.read_text(encoding="utf-8")))
        else:
            why = "timed out" if proc.timed_out else f"exit code {proc.returncode}"
            tail = peers._last_line(proc.stderr)
            result = RunResult(
                tool=tool_name, mode="inprocess", status="error", reason=f"runner {why}: {tail}"
            )
    result.wall_seconds = proc.wall_seconds
    result.peak_mb = proc.peak_mb  # the child's own peak, measured from outside
    result.network_attempts = proc.network_attempts
    if python == peers.PROJECT_PYTHON and tool.venv_key is not None:
        result.notes.append(f"ran in the project venv ({tool.venv_key} venv missing)")
    return result, proc


def command_from_script(inproc: RunResult, proc: peers.Measured | None) -> RunResult:
    """The command-mode row of a library without a CLI: the whole script child, start to exit."""
    if proc is None or inproc.status != "ok":
        return RunResult(tool=inproc.tool, mode="command", status=inproc.status, reason=inproc.reason)
    return RunResult(
        tool=inproc.tool,
        mode="command",
        status="ok",
        seconds=proc.wall_seconds,
        cpu_seconds=proc.cpu_seconds,
        wall_seconds=proc.wall_seconds,
        peak_mb=proc.peak_mb,
        labels=inproc.labels,
        entities=inproc.entities,
        raw=inproc.raw,
        version=inproc.version,
        network_attempts=proc.network_attempts,
        notes=["no CLI: wall time of the script (python start, imports, model load, read CSV, classify)"],
    )


def run_all(
    csv_path: Path, tools: Sequence[str], modes: Sequence[str], timeout: float, repeat: int = 1
) -> list[RunResult]:
    """Every selected tool in every selected mode, one fresh process per measurement.

    With *repeat* > 1 each measurement is taken that many times and the run with the median seconds
    is reported, with every run's seconds in its notes: one slow start (a cold page cache, a
    neighbour's burst) then no longer decides a comparison.
    """
    results: list[RunResult] = []
    for name in tools:
        tool = TOOLS[name]
        inprocs: list[RunResult] = []
        commands: list[RunResult] = []
        needs_script = "command" in modes and tool.command is None
        for attempt in range(repeat):
            run_no = f" (run {attempt + 1} of {repeat})" if repeat > 1 else ""
            if "inprocess" in modes or needs_script:
                _progress(f"{name}: in-process{run_no} ...")
                inproc, proc = run_inprocess(name, csv_path, timeout)
                inprocs.append(inproc)
                if needs_script:
                    commands.append(command_from_script(inproc, proc))
            if "command" in modes and tool.command is not None:
                _progress(f"{name}: command{run_no} ...")
                try:
                    commands.append(tool.command(csv_path, timeout))
                except Exception as exc:  # keep the harness going
                    commands.append(
                        RunResult(
                            tool=name, mode="command", status="error", reason=f"{type(exc).__name__}: {exc}"
                        )
                    )
        if "inprocess" in modes:
            results.append(median_run(inprocs))
        if "command" in modes:
            results.append(median_run(commands))
    return results


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _runs(repeat: int) -> str:
    return f"the median of {repeat} runs" if repeat > 1 else "one run"


def median_run(runs: Sequence[RunResult]) -> RunResult:
    """The run with the median seconds (the lower middle one for an even count), noting every run's time.

    A failed run among successful ones is reported in the notes; if none succeeded, the first is returned.
    """
    ok = sorted(
        (r for r in runs if r.status == "ok" and r.seconds is not None), key=lambda r: r.seconds or 0.0
    )
    if not ok:
        return runs[0]
    chosen = ok[(len(ok) - 1) // 2]
    if len(runs) > 1:
        times = ", ".join(f"{r.seconds:.2f}" for r in ok)
        failed = len(runs) - len(ok)
        chosen.notes.append(
            f"median of {len(ok)} runs (s: {times})" + (f"; {failed} run(s) failed" if failed else "")
        )
    return chosen


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def render(results: Sequence[RunResult], manifest: dict[str, Any], meta: dict[str, Any]) -> str:
    """The human-readable comparison: a summary table, then each tool's label per column."""
    truth: dict[str, str] = manifest["ground_truth"]
    expected: dict[str, str] = manifest.get("expected_entity", {})
    cells = manifest["rows"] * len(manifest["columns"])
    baseline = {r.mode: r.seconds for r in results if r.tool == "crmscan" and r.status == "ok" and r.seconds}

    lines = [
        f"Reference table: {manifest['rows']:,} rows x {len(manifest['columns'])} columns = {cells:,} cells "
        f"({manifest['csv']})",
        f"Machine: {meta['cpus']} CPUs, load average {meta['load_before']} before / "
        f"{meta['load_after']} after; {meta['platform']}",
        f"Each figure: {_runs(meta.get('repeat', 1))}.",
        "",
    ]
    header = (
        "tool",
        "mode",
        "seconds",
        "CPU s",
        "cells/s",
        "peak MB",
        "right",
        "strict",
        "vs crmscan",
        "net",
        "wrong columns",
    )
    rows: list[tuple[str, ...]] = []
    for r in results:
        if r.status != "ok":
            label = "not available" if r.status == "unavailable" else "error"
            rows.append((r.tool, r.mode, "-", "-", "-", "-", "-", "-", "-", "-", f"{label}: {r.reason}"))
            continue
        sc = score(r, truth, expected)
        rate = cells / r.seconds if r.seconds else None
        base = baseline.get(r.mode)
        if r.tool == "crmscan":
            ratio = "1.0x"
        elif base and r.seconds:
            ratio = (
                f"{r.seconds / base:.1f}x slower" if r.seconds >= base else f"{base / r.seconds:.1f}x faster"
            )
        else:
            ratio = "n/a"
        wrong = ", ".join(sc.wrong)
        extra = [w for w in sc.strict_wrong if "~" in w]
        if extra:
            wrong = (wrong + "; " if wrong else "") + "entity: " + ", ".join(extra)
        rows.append(
            (
                r.tool,
                r.mode,
                _fmt(r.seconds, ".2f"),
                _fmt(r.cpu_seconds, ".2f"),
                _fmt(rate, ",.0f"),
                _fmt(r.peak_mb, ".0f"),
                f"{sc.right}/{sc.total}",
                f"{sc.strict_right}/{sc.total}",
                ratio,
                str(len(r.network_attempts)),
                wrong or "-",
            )
        )
    lines += _table(header, rows)
    lines += [
        "",
        "seconds: in-process = the classification call only (setup excluded); command = whole process.",
        "vs crmscan: the tool's seconds divided by crmscan's in the same mode. right: mapped category",
        "(pii/financial/none) matches; strict: also the right entity on sensitive columns.",
        "net: network connection attempts seen by the guard (all were refused).",
        "",
    ]

    # Labels per column, in each tool's own words.
    ok = [r for r in results if r.status == "ok" and r.mode == "inprocess"] or [
        r for r in results if r.status == "ok"
    ]
    if ok:
        header2 = ("column", "truth", *[r.tool for r in ok])
        rows2 = []
        for col, want in truth.items():
            cells_ = []
            for r in ok:
                got = r.labels.get(col, "none")
                mark = "" if got == want else " ✗"
                ent = r.entities.get(col, "")
                cells_.append(f"{got}{' (' + ent + ')' if ent else ''}{mark}")
            rows2.append((col, want, *cells_))
        lines.append("Per-column labels (mapped category, tool's own entity; ✗ = wrong category):")
        lines += _table(header2, rows2)
        lines.append("")

    setups = [
        f"{r.tool} {r.setup_seconds:.1f}s" for r in results if r.mode == "inprocess" and r.setup_seconds
    ]
    if setups:
        lines.append(
            "In-process setup excluded from 'seconds' (imports, model load, CSV read, warm-up): "
            + "; ".join(setups)
        )
    notes = [f"  {r.tool} ({r.mode}): {'; '.join(r.notes)}" for r in results if r.status == "ok" and r.notes]
    if notes:
        lines.append("Notes:")
        lines += notes
    versions = sorted({f"{r.tool}: {r.version}" for r in results if r.version})
    if versions:
        lines.append("Versions: " + "; ".join(versions))
    for r in results:
        if r.network_attempts:
            lines.append(
                f"Network attempts by {r.tool} ({r.mode}): {', '.join(sorted(set(r.network_attempts)))}"
            )
    return "\n".join(lines)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]

    # The last column (free text) is not padded.
    def line(values: Sequence[str]) -> str:
        cells = [str(v).ljust(w) for v, w in zip(values[:-1], widths[:-1], strict=False)]
        return "  ".join([*cells, str(values[-1])]).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return out


def _load() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="table size (2000 or 100000; any N works)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma list of {', '.join(TOOLS)}")
    parser.add_argument("--modes", default=",".join(MODES), help="comma list of inprocess, command")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a child is killed")
    parser.add_argument(
        "--repeat", type=int, default=1, help="take every measurement N times and report the median run"
    )
    parser.add_argument(
        "--names-in-notes",
        type=int,
        default=0,
        metavar="PCT",
        help="use the table variant where PCT %% of notes name a person (note becomes pii)",
    )
    parser.add_argument("--json", type=Path, help="also write every result and the metadata here")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the table even if it exists")
    parser.add_argument(
        "--presidio-batch-size",
        type=int,
        default=1,
        help="spaCy batch size for presidio-structured (its default, 1, is what a user gets)",
    )
    parser.add_argument(
        "--crmscan-sample-size",
        default="",
        help="pass --sample-size to the crmscan CLI: a row count, or 'all' for every row "
        "(default: crmscan's own default, as a user runs it)",
    )
    args = parser.parse_args(argv)
    os.environ["BENCH_PRESIDIO_BATCH_SIZE"] = str(args.presidio_batch_size)
    if args.crmscan_sample_size:
        size = str(args.rows) if args.crmscan_sample_size == "all" else str(int(args.crmscan_sample_size))
        os.environ["BENCH_CRMSCAN_SAMPLE_SIZE"] = size

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for t in tools:
        if t not in TOOLS:
            parser.error(f"unknown tool {t!r}; choose from {', '.join(TOOLS)}")
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r}; choose from {', '.join(MODES)}")

    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    csv_path, manifest = ensure_table(args.rows, args.regenerate, args.names_in_notes)
    meta: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "platform": f"{platform.system()} {platform.machine()}, Python {platform.python_version()} (harness)",
        "load_before": _load(),
        "presidio_batch_size": args.presidio_batch_size,
        "crmscan_sample_size": os.environ.get("BENCH_CRMSCAN_SAMPLE_SIZE", "default"),
        "repeat": args.repeat,
    }
    results = run_all(csv_path, tools, modes, args.timeout, args.repeat)
    meta["load_after"] = _load()
    print(render(results, manifest, meta))

    if args.json:
        payload = {
            "meta": meta,
            "table": {
                k: manifest[k]
                for k in ("rows", "columns", "csv", "csv_sha256", "faker_version")
                if k in manifest
            },
            "ground_truth": manifest["ground_truth"],
            "expected_entity": manifest.get("expected_entity", {}),
            "results": [
                {
                    **r.to_json(),
                    **(
                        {
                            "score": score(
                                r, manifest["ground_truth"], manifest.get("expected_entity", {})
                            ).__dict__
                        }
                        if r.status == "ok"
                        else {}
                    ),
                }
                for r in results
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
