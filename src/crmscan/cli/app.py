"""``crmscan``: the entry point.

Only typer is imported at start-up so ``crmscan --help`` answers at once; pandas, SQLAlchemy and the
NLP stack are imported by the commands that need them. Every :class:`CrmscanError` becomes one line on
stderr and exit code 2; anything unexpected becomes one line too (set ``CRMSCAN_DEBUG=1`` for the
traceback), never a raw traceback that could carry a cell value.
"""

from __future__ import annotations

import os
import sys

import typer

from crmscan import __version__
from crmscan.cli import baseline as baseline_cmd
from crmscan.cli import demo as demo_cmd
from crmscan.cli import diff as diff_cmd
from crmscan.cli import policy as policy_cmd
from crmscan.cli import scan as scan_cmd

app = typer.Typer(
    name="crmscan",
    help="Find, classify and risk-assess sensitive data in CRM databases and exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("scan")(scan_cmd.scan)
app.command("demo")(demo_cmd.demo)
app.command("diff")(diff_cmd.diff)
app.add_typer(baseline_cmd.app, name="baseline")
app.add_typer(policy_cmd.app, name="policy")

#: Exit code for a crash: distinct from 2 (usage) so CI can tell a bug from a typo
#: (the whole contract: :mod:`crmscan.gating.exitcodes`).
INTERNAL_ERROR = 4


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmscan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Find, classify and risk-assess sensitive data in CRM databases and exports."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn errors into one line and an exit code."""
    from crmscan.errors import CrmscanError, safe_message

    try:
        # With standalone_mode=False click returns a typer.Exit's code instead of raising it.
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CrmscanError as exc:
        typer.echo(f"crmscan: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("crmscan: aborted", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors and anything unexpected
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):  # click's (typer-vendored) ClickException
            show()
            sys.exit(2)
        if os.environ.get("CRMSCAN_DEBUG"):
            raise
        if isinstance(exc, ImportError) and exc.name:
            typer.echo(
                f"crmscan: error: module '{exc.name}' is missing; reinstall crmscan with its extras", err=True
            )
            sys.exit(INTERNAL_ERROR)
        typer.echo(
            f"crmscan: internal error: {safe_message(exc)} (set CRMSCAN_DEBUG=1 for details)", err=True
        )
        sys.exit(INTERNAL_ERROR)


def run() -> None:
    """The ``crmscan`` console script and ``python -m crmscan``: :func:`main`, then a quick exit.

    A scan leaves pandas, pyarrow, the rule sets and (with notes) spaCy in memory; freeing them object
    by object when the interpreter shuts down takes a quarter of a second, a sixth of a whole CSV scan,
    for memory the operating system takes back at once. So once :func:`main` is done, the standard
    streams are flushed and the ``atexit`` handlers run (logging's flush among them), then the process
    exits with ``os._exit``. Every report file is closed before ``main`` returns. :func:`main` itself
    keeps raising ``SystemExit``, for callers that run it in-process.
    """
    import atexit

    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): print it as Python would
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (crmscan ... | head): nothing left to say
            pass
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None:  # not CPython: leave the normal way
        sys.exit(code)
    run_exitfuncs()
    os._exit(code)
