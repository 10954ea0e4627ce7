"""End to end, as CI runs it: baseline, a schema change that adds a sensitive column and a PUBLIC grant,
triage, an unrelated rename, byte-identical artifacts — on SQLite databases and on migration files — and
the GitHub Actions / GitLab CI steps of ``examples/ci`` run as written against a throw-away git repo."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "examples" / "ci"
FAIL_ON = "high"


def crmscan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CRMSCAN_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "crmscan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _migrations_supported() -> bool:
    """True once ``crmscan scan FOLDER_OF_SQL`` opens the migration connector (connectors/registry.py)."""
    import tempfile

    from crmscan.connectors.registry import open_source

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "001.sql").write_text("CREATE TABLE t (id integer);\n", encoding="utf-8")
        try:
            connector = open_source(tmp)
        except Exception:  # noqa: BLE001
            return False
        try:
            return callable(getattr(connector, "location", None))
        finally:
            connector.close()


MIGRATIONS = pytest.mark.skipif(
    not _migrations_supported(), reason="connectors/registry.py does not open .sql migrations yet"
)


# -- one schema change, two kinds of source ------------------------------------------------------------


class Project:
    """A project whose schema changes step by step; ``scan_args`` are what CI passes to crmscan."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        root.mkdir(parents=True, exist_ok=True)
        if kind == "migrations":
            (root / "migrations").mkdir()
            self.source = "migrations"
            self.scan_args = [self.source]
        else:
            self.source = "crm.db"
            self.scan_args = [self.source, "--grants", "grants.yaml", "--schema-only"]
        self.scan_args += ["--nlp-model", "none"]

    def step(self, name: str) -> None:
        getattr(self, f"_{self.kind}_{name}")()

    # migrations: one file per change
    def _write(self, name: str, sql: str) -> None:
        (self.root / "migrations" / name).write_text(sql, encoding="utf-8")

    def _migrations_init(self) -> None:
        self._write(
            "001_init.sql",
            "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n    email varchar(255) NOT NULL,\n"
            "    full_name text,\n    status varchar(20)\n);\nCREATE ROLE analyst;\n"
            "GRANT SELECT ON customers TO analyst;\n",
        )

    def _migrations_add_ssn_and_public(self) -> None:
        self._write(
            "002_add_ssn.sql",
            "ALTER TABLE customers ADD COLUMN ssn char(11);\nGRANT SELECT ON customers TO PUBLIC;\n",
        )

    def _migrations_rename(self) -> None:
        self._write("003_rename.sql", "ALTER TABLE customers RENAME COLUMN status TO state;\n")

    # SQLite: the database as it is after each change, plus a grants file (SQLite has no GRANT)
    def _sql(self, *statements: str) -> None:
        with sqlite3.connect(self.root / "crm.db") as con:
            for s in statements:
                con.execute(s)

    def _grants(self, *principals: str) -> None:
        entries = "".join(
            f"  - name: {p}\n    kind: {'public' if p == 'PUBLIC' else 'role'}\n"
            "    can_read: ['customers.*']\n"
            for p in principals
        )
        (self.root / "grants.yaml").write_text(f"version: 1\nprincipals:\n{entries}", encoding="utf-8")

    def _sqlite_init(self) -> None:
        self._sql(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, full_name TEXT, "
            "status TEXT)"
        )
        self._grants("analyst")

    def _sqlite_add_ssn_and_public(self) -> None:
        self._sql("ALTER TABLE customers ADD COLUMN ssn TEXT")
        self._grants("analyst", "PUBLIC")

    def _sqlite_rename(self) -> None:
        self._sql("ALTER TABLE customers RENAME COLUMN status TO state")

    # crmscan
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return crmscan(*args, cwd=self.root)

    def scan(self, out: str = "report", *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run(
            "scan",
            *self.scan_args,
            "--baseline",
            ".crmscan/baseline.json",
            "--fail-on",
            FAIL_ON,
            "--format",
            "json,sarif,junit",
            "--out",
            out,
            "-q",
            *extra,
        )

    def report(self, out: str = "report") -> dict[str, Any]:
        return json.loads((self.root / out / "report.json").read_text(encoding="utf-8"))


def _failing_lines(out: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in out.stderr.splitlines() if line.split(" ", 1)[0] in ("CRITICAL", "HIGH")]


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("migrations", marks=MIGRATIONS)])
def test_schema_change_end_to_end(tmp_path: Path, kind: str) -> None:
    p = Project(tmp_path / "project", kind)
    p.step("init")
    made = p.run("baseline", "create", *p.scan_args, "--out", ".crmscan/baseline.json")
    assert made.returncode == 0, made.stderr
    first = p.scan()
    assert first.returncode == 0, first.stderr  # everything already there is baselined

    # A change adds a sensitive column and grants the table to PUBLIC: exit 1, naming both.
    p.step("add_ssn_and_public")
    out = p.scan()
    assert out.returncode == 1, out.stderr
    lines = _failing_lines(out)
    ssn = [line for line in lines if line.startswith("HIGH POL006 customers.ssn:")]
    public = [line for line in lines if " POL005 " in line and "readable by PUBLIC" in line]
    assert ssn and public, out.stderr
    assert "Traceback" not in out.stderr
    if kind == "migrations":  # the findings point at the statements that caused them
        import inspect

        from crmscan.scan import run_scan

        assert "on_source" in inspect.signature(run_scan).parameters, (
            "scan.run_scan(on_source=...) is missing: without it no finding gets a file and line"
        )
        assert "(migrations/002_add_ssn.sql:1)" in ssn[0]
        assert all("(migrations/002_add_ssn.sql:2)" in line for line in public)
        sarif = json.loads((p.root / "report" / "report.sarif").read_text(encoding="utf-8"))
        regions = {
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in sarif["runs"][0]["results"]
            if r["ruleId"].startswith("POL")
        }
        assert ("POL006", "migrations/002_add_ssn.sql", 1) in regions
        assert ("POL005", "migrations/002_add_ssn.sql", 2) in regions
        # code scanning needs a file for every result, the risk engine's included
        for r in sarif["runs"][0]["results"]:
            assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
                "migrations/"
            ), r

    # Mark the new column's finding accepted: it no longer fails the build; the PUBLIC grant still does.
    pol006 = next(f for f in p.report()["findings"] if f["rule_id"] == "POL006")
    triaged = p.run(
        "baseline",
        "triage",
        ".crmscan/baseline.json",
        pol006["fingerprint"][:12],
        "--reason",
        "tokenised by the app (CRM-12)",
        "--by",
        "alice",
        "--at",
        "2026-11-30",
        "--report",
        "report/report.json",
    )
    assert triaged.returncode == 0, triaged.stderr
    out = p.scan()
    assert out.returncode == 1
    assert not any(" POL006 " in line for line in _failing_lines(out))
    assert any(" POL005 " in line for line in _failing_lines(out))
    suppressed = p.report()["baseline"]["suppressed"]
    assert [s["triage"] for s in suppressed if s["finding"]["rule_id"] == "POL006"] == [
        {"status": "accepted", "reason": "tokenised by the app (CRM-12)", "by": "alice", "at": "2026-11-30"}
    ]

    # Accept the rest too: exit 0.
    for f in p.report()["findings"]:
        if f["level"] in ("critical", "high"):
            done = p.run(
                "baseline",
                "triage",
                ".crmscan/baseline.json",
                f["fingerprint"],
                "--reason",
                "revoked in DBA-42",
                "--by",
                "bob",
                "--at",
                "2026-12-01",
                "--report",
                "report/report.json",
            )
            assert done.returncode == 0, done.stderr
    out = p.scan()
    assert out.returncode == 0, out.stderr

    # `baseline update` keeps every decision and is byte-stable.
    updated = p.run("baseline", "update", *p.scan_args, "--out", ".crmscan/baseline.json")
    assert updated.returncode == 0, updated.stderr
    baseline_text = (p.root / ".crmscan" / "baseline.json").read_text(encoding="utf-8")
    entries = json.loads(baseline_text)["findings"]
    assert {(e["rule_id"], e["column"], e["status"], e["by"]) for e in entries} >= {
        ("POL006", "ssn", "accepted", "alice")
    }
    assert p.run("baseline", "update", *p.scan_args, "--out", ".crmscan/baseline.json").returncode == 0
    assert (p.root / ".crmscan" / "baseline.json").read_text(encoding="utf-8") == baseline_text
    assert "T" not in "".join(str(e["at"]) for e in entries)  # no timestamps but triage dates

    # An unrelated column is renamed: no new finding.
    assert p.scan().returncode == 0
    before = p.report()
    p.step("rename")
    out = p.scan()
    assert out.returncode == 0, out.stderr
    after = p.report()
    assert after["findings"] == before["findings"] == []
    assert [s["finding"]["fingerprint"] for s in after["baseline"]["suppressed"]] == [
        s["finding"]["fingerprint"] for s in before["baseline"]["suppressed"]
    ]

    # The same scan twice: byte-identical SARIF, JUnit and baseline.
    assert p.scan("again").returncode == 0
    for name in ("report.sarif", "report.junit.xml"):
        assert (p.root / "report" / name).read_bytes() == (p.root / "again" / name).read_bytes(), name
    for target in ("b1.json", "b2.json"):
        assert p.run("baseline", "create", *p.scan_args, "--out", target).returncode == 0
    assert (p.root / "b1.json").read_bytes() == (p.root / "b2.json").read_bytes()


@MIGRATIONS
def test_malformed_migration_is_one_line_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "tests" / "data" / "migrations" / "bad", folder)
    out = crmscan("scan", "migrations", "--out", "r", "--fail-on", "high", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "migrations/003_bad.sql:" in out.stderr
    assert "Traceback" not in out.stderr and "4111" not in out.stderr


# -- examples/ci run as written ------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def _shim(tmp_path: Path) -> dict[str, str]:
    """``crmscan`` on PATH, as ``pip install crmscan`` gives it in CI."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "crmscan"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m crmscan "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "200"}
    env.pop("CRMSCAN_DEBUG", None)
    return env


def _pr_repo(tmp_path: Path, kind: str) -> tuple[Path, str, Project]:
    """A repository whose main branch has a baseline, and a branch that adds ssn and a PUBLIC grant."""
    repo = tmp_path / "repo"
    p = Project(repo, kind)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    (repo / "ci").mkdir()
    shutil.copy(CI / "crmscan-pr.sh", repo / "ci" / "crmscan-pr.sh")
    p.step("init")
    assert p.run("baseline", "create", *p.scan_args, "--out", ".crmscan/baseline.json").returncode == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "init")
    base = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "--quiet", "-b", "feature")
    p.step("add_ssn_and_public")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "add ssn")
    return repo, base, p


def _check_outputs(repo: Path) -> None:
    out = repo / "crmscan-report"
    for name in (
        "report.json",
        "report.sarif",
        "report.junit.xml",
        "report.md",
        "diff.md",
        "base/report.json",
    ):
        assert (out / name).is_file(), name
    diff = (out / "diff.md").read_text(encoding="utf-8")
    assert diff.startswith("<!-- crmscan-diff -->")
    assert "`customers.ssn`" in diff and "PUBLIC" in diff and "POL006" in diff
    assert "**crmscan failed**" in diff
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"POL005", "POL006"}


def _step_env(step_env: dict[str, Any] | None, job_vars: dict[str, Any] | None = None) -> dict[str, str]:
    return {k: str(v) for k, v in {**(job_vars or {}), **(step_env or {})}.items()}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("migrations", marks=MIGRATIONS)])
def test_github_actions_scan_step(tmp_path: Path, kind: str) -> None:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["crmscan"]["steps"]
    scan = next(s for s in steps if s.get("id") == "scan")
    repo, base, p = _pr_repo(tmp_path, kind)
    script = scan["run"].replace("${{ github.event.pull_request.base.sha }}", base)
    assert "${{" not in script
    env = {**_shim(tmp_path), **_step_env(scan["env"]), "GITHUB_OUTPUT": str(tmp_path / "github_output")}
    if kind == "sqlite":  # the same job for a database kept in the repository
        env["CRMSCAN_SOURCES"] = p.source
        env["CRMSCAN_ARGS"] = " ".join(p.scan_args[1:])
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr  # the step records the code; the Gate step fails the job
    assert (tmp_path / "github_output").read_text(encoding="utf-8").strip() == "exit-code=1", done.stderr
    _check_outputs(repo)
    assert _git(repo, "worktree", "list").count("\n") == 0  # the base worktree is cleaned up
    gate = next(s for s in steps if s.get("name") == "Gate")
    assert gate["run"] == 'exit "${{ steps.scan.outputs.exit-code }}"'
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "crmscan-report/report.sarif"
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    assert "crmscan-report/diff.md" in comment["run"]


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("migrations", marks=MIGRATIONS)])
def test_gitlab_ci_job_script(tmp_path: Path, kind: str) -> None:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))["crmscan"]
    repo, base, p = _pr_repo(tmp_path, kind)
    _git(repo, "remote", "add", "origin", str(repo))  # `git fetch origin main` needs a remote
    env = {
        **_shim(tmp_path),
        **_step_env(None, job["variables"]),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
    }
    env.pop("CRMSCAN_GITLAB_TOKEN", None)
    if kind == "sqlite":
        env["CRMSCAN_SOURCES"] = p.source
        env["CRMSCAN_ARGS"] = " ".join(p.scan_args[1:])
    script = "set -eo pipefail\n" + "\n".join(job["script"])  # how the runner joins the lines
    done = subprocess.run(
        ["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 1, done.stderr
    assert "POL006 customers.ssn" in done.stderr and "readable by PUBLIC" in done.stderr
    _check_outputs(repo)
    assert job["artifacts"]["reports"]["junit"] == "crmscan-report/report.junit.xml"


def test_ci_script_passes_when_nothing_new(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    p = Project(repo, "sqlite")
    _git(repo, "init", "--quiet", "--initial-branch=main")
    p.step("init")
    assert p.run("baseline", "create", *p.scan_args, "--out", ".crmscan/baseline.json").returncode == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "init")
    env = {**_shim(tmp_path), "CRMSCAN_SOURCES": p.source, "CRMSCAN_ARGS": " ".join(p.scan_args[1:])}
    done = subprocess.run(
        ["sh", str(CI / "crmscan-pr.sh"), "HEAD"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    diff = (repo / "crmscan-report" / "diff.md").read_text(encoding="utf-8")
    assert "No privacy-relevant changes" in diff and "**crmscan passed**" in diff
