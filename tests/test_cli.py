"""The command line: exit codes, one-line errors, fast --help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_crm"


def crmscan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    env.pop("CRMSCAN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "crmscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from crmscan.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'spacy', 'presidio_analyzer', 'sqlalchemy', 'pyarrow')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_version() -> None:
    out = crmscan("--version")
    assert out.returncode == 0 and out.stdout.startswith("crmscan ")


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    out = crmscan("scan", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "r"))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "nope.csv: no such file or folder" in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    out = crmscan("scan", str(DEMO / "crm.sqlite"), "--format", "pdf", "--out", str(tmp_path))
    assert out.returncode == 2
    assert "unknown format 'pdf'" in out.stderr and "Traceback" not in out.stderr


def test_unknown_option_is_a_usage_error() -> None:
    out = crmscan("scan", "--no-such-option")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_scan_writes_requested_formats(tmp_path: Path) -> None:
    out = crmscan(
        "scan",
        str(DEMO / "crm.sqlite"),
        "--format",
        "json,md",
        "--out",
        str(tmp_path),
        "--include",
        "contacts",
        "-q",
    )
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "report.md"]
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in doc["tables"]] == ["contacts"]


def test_broken_source_is_listed_and_the_rest_scanned(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "good.csv").write_text(
        "email,city\nann@example.com,Lisbon\nbob@example.org,Porto\n", encoding="utf-8"
    )
    (exports / "broken.xlsx").write_bytes(b"this is not a zip file")
    out = crmscan("scan", str(exports), "--format", "json", "--out", str(tmp_path / "r"), "-q")
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in doc["tables"]] == ["good.csv"]
    assert [e["table"] for e in doc["errors"]] and "broken.xlsx" in doc["errors"][0]["table"]


@pytest.mark.slow
def test_demo_command(tmp_path: Path) -> None:
    out = crmscan("demo", "--out", str(tmp_path / "demo"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "demo" / "report.html").exists()
    assert "report.html" in out.stdout + out.stderr


def test_unknown_language_fails_before_scanning(tmp_path: Path) -> None:
    out = crmscan("scan", str(DEMO / "crm.sqlite"), "--lang", "fr", "--out", str(tmp_path / "r"))
    assert out.returncode == 2 and "--lang: unknown language 'fr'" in out.stderr
    assert not (tmp_path / "r").exists()
