"""The version of ipstats, in one place: the package, its build and its exports read it."""

__version__ = "0.1.0"
