"""Entry point for ``python -m ipstats`` and the ``ipstats`` console script."""

import gc


def main() -> None:
    """Run the command line in this (short-lived) process."""
    # Importing Typer and the CLI makes tens of thousands of objects and no garbage; the cyclic
    # collector would walk them over and over as they pile up, a tenth of a query's time. So it
    # is off while importing, and what the imports made is then set aside for good (freeze).
    gc.disable()
    try:
        from ipstats.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()


if __name__ == "__main__":
    main()
