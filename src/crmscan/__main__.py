"""Allow ``python -m crmscan``."""

from crmscan.cli.app import main

if __name__ == "__main__":
    main()
