"""Entry point for ``python -m ipstats``."""

from ipstats.cli import main

if __name__ == "__main__":
    main()
