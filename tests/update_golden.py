"""Regenerate the golden report files from the fixed fixture: ``python tests/update_golden.py``.

The tests import :func:`render_golden` from here, so the files are always compared against exactly
what this script writes. ``--check`` exits 1 when a golden file is stale (handy in CI).
Review the diff (``git diff tests/golden``) before committing regenerated files.
"""

from __future__ import annotations

import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
_SRC = Path(__file__).resolve().parents[1] / "src"
if str(_SRC) not in sys.path:  # run as a plain script from a checkout without an install
    sys.path.insert(0, str(_SRC))

from crmscan.report.base import RenderOptions  # noqa: E402
from crmscan.report.document import build_document  # noqa: E402
from crmscan.report.fixtures import sample_scan_result  # noqa: E402
from crmscan.report.html import HtmlRenderer  # noqa: E402
from crmscan.report.markdown import MarkdownRenderer  # noqa: E402


def render_golden() -> dict[str, str]:
    """Golden file name -> the text the renderer produces for the fixture today.

    The Chinese HTML report also has a golden file, rendered with a client and an assessor so the
    cover's optional lines are covered too.
    """
    document = build_document(sample_scan_result())
    options = RenderOptions()
    golden = {r.filename: r.render(document, options) for r in (HtmlRenderer(), MarkdownRenderer())}
    zh = RenderOptions(title="crmscan 数据隐私报告", client="示例客户有限公司", assessor="张三", lang="zh")
    golden["report.zh.html"] = HtmlRenderer().render(document, zh)
    return golden


def main(argv: list[str]) -> int:
    """Write (or with ``--check`` only compare) every golden file; returns the exit code."""
    check = "--check" in argv
    stale = []
    for name, text in render_golden().items():
        path = GOLDEN_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))  # bytes: no newline translation on Windows
    verb = "stale" if check else "updated"
    print(f"{verb}: {', '.join(stale)}" if stale else "golden files are up to date")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
