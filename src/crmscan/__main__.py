"""Allow ``python -m crmscan``."""

from crmscan.cli.app import run

if __name__ == "__main__":
    run()
