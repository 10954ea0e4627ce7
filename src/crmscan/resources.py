"""Where the data folders live: inside the installed wheel, or at the top of a source checkout.

The wheel carries ``rules/``, ``report_templates/``, ``schemas/`` and the demo CRM under
``crmscan/_data/`` (see ``[tool.hatch.build.targets.wheel.force-include]``); an editable install
or a plain checkout finds the same folders at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_WHEEL_DATA = _PACKAGE_DIR / "_data"
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent

_CHECKOUT_NAMES = {
    "rules": "rules",
    "report_templates": "report_templates",
    "schemas": "schemas",
    "demo_crm": "examples/demo_crm",
}


@cache
def data_dir(name: str) -> Path:
    """The folder *name* (one of ``rules``, ``report_templates``, ``schemas``, ``demo_crm``).

    Raises:
        FileNotFoundError: the installation is broken (neither location exists).
    """
    for candidate in (_WHEEL_DATA / name, _CHECKOUT_ROOT / _CHECKOUT_NAMES[name]):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"crmscan data folder '{name}' is missing; reinstall crmscan")
