"""The wheel carries rules/, report_templates/, schemas/ and the demo CRM, and works from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        timeout=600,
    )
    wheel = next(dist.glob("crmscan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "crmscan/_data/rules/entities/pii.yaml",
        "crmscan/_data/report_templates/report.html.j2",
        "crmscan/_data/schemas/report.schema.json",
        "crmscan/_data/demo_crm/crm.sqlite",
    ):
        assert needed in names, f"{needed} missing from the wheel"
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        timeout=600,
    )
    return target


def test_installed_wheel_scans_from_another_directory(installed: Path, tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import crmscan.resources as r; "
        "assert str(r.data_dir('rules')).startswith(sys.argv[1]), r.data_dir('rules'); "
        "from crmscan.cli.app import main; main(sys.argv[2:])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(installed), "demo", "--out", "out", "--format", "json", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert doc["summary"]["sensitive_columns"] > 20
