"""Entry point for ``python -m ipstats`` and the ``ipstats`` console script."""

from ipstats._collector import paused


def main() -> None:
    """Run the command line in this (short-lived) process."""
    # Importing Typer and the CLI makes tens of thousands of objects that live as long as the
    # process; the cyclic collector would walk them again and again as they pile up. So it is
    # off while importing, and what the imports made is then set aside for good (freeze): a
    # warm query takes about a tenth less time (benchmarks/startup.py --gc, BENCHMARKS.md).
    # It is on again for the command itself, which may build a large dataset.
    with paused(freeze=True):
        from ipstats.cli import main as run
    run()


if __name__ == "__main__":
    main()
