"""The Python API for notebooks: names in, the same result objects the CLI renders out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipstats import compare as _compare
from ipstats import growth as _growth
from ipstats import listing, query, resolve
from ipstats import rank as _rank
from ipstats.datafile import load as _load
from ipstats.errors import Problem
from ipstats.frames import to_pandas
from ipstats.model import Category, Dataset
from ipstats.ranking import Ranking
from ipstats.table import Table

__all__ = ["Data", "load", "to_pandas"]


@dataclass(frozen=True, slots=True)
class Data:
    """A loaded dataset with query methods that accept the names people type.

    Every method checks its arguments as the command line does and raises the same errors:
    a UsageError (exit status 2) for a name or year that cannot be, NoDataError (1) for a
    valid question the dataset has no answer to.
    """

    dataset: Dataset
    warnings: tuple[Problem, ...]
    path: Path

    def observations(
        self,
        city: str | list[str] | None = None,
        metric: str | list[str] | None = None,
        start: int | str | None = None,
        end: int | str | None = None,
        category: Category | str | None = None,
        search: str = "",
        year: int | str | list[int | str] | None = None,
        source: str | None = None,
    ) -> Table:
        """Observations matching the filters (every argument optional; a list of metrics or of
        years means any of them; ``source`` is a source id). Where several sources state one
        figure, each is a row, and the ``primary`` column says which one compare and growth
        use."""
        cities = [city] if isinstance(city, str) else list(city or [])
        where = query.where(
            self.dataset, cities, metric, year, start, end, category, search, source=source
        )
        return listing.observations_table(self.dataset, where)

    def series(self, city: str, metric: str, source: str | None = None) -> Table:
        """One city's observations of one indicator, by year (every source's)."""
        return self.observations(city=city, metric=metric, source=source)

    def show(self, name: str, source: str | None = None) -> tuple[Table, Table]:
        """Everything about one city or one indicator: what it is, and what data it has."""
        return listing.show(self.dataset, name, query.sources_named(self.dataset, source))

    def compare(
        self,
        *cities: str,
        metric: str | None = None,
        year: int | str | None = None,
        start: int | str | None = None,
        end: int | str | None = None,
        category: Category | str | None = None,
        scope: str | None = None,
        source: str | None = None,
    ) -> _compare.Comparison:
        """Cities side by side on one metric, or on every indicator they share; ``missing`` on
        the result names the cities without data. Each figure is its primary source's, or
        ``source``'s alone."""
        found = resolve.cities(self.dataset, list(cities))
        indicator = resolve.indicator_if_named(self.dataset, metric)
        return _compare.compare(
            self.dataset,
            found,
            indicator,
            year,
            start=start,
            end=end,
            category=category,
            scope=scope,
            source=source,
        )

    def growth(
        self,
        *cities: str,
        metric: str | None = None,
        start: int | str | None = None,
        end: int | str | None = None,
        implied: bool = True,
        scope: str | None = None,
        source: str | None = None,
    ) -> _growth.Growth:
        """Year-on-year and span growth with CAGR for one metric or every series, from each
        year's primary figure (or ``source``'s alone)."""
        found = resolve.cities(self.dataset, list(cities))
        indicator = resolve.indicator_if_named(self.dataset, metric)
        return _growth.growth(
            self.dataset, found, indicator, start, end, implied, scope=scope, source=source
        )

    def rank(
        self,
        metric: str,
        year: int | str | None = None,
        kind: str | None = None,
        within: str | None = None,
    ) -> Ranking:
        """Places of one level (``kind``: province, region or city) ordered by one metric in
        one year, with shares of the national and the parent figure."""
        place = resolve.city(self.dataset, within) if within is not None else None
        indicator = resolve.indicator(self.dataset, metric)
        return _rank.rank(self.dataset, indicator, year, kind, place)


def load(path: str | Path | None = None) -> Data:
    """Load the shipped dataset, or the file at ``path`` (also honours $IPSTATS_DATA)."""
    loaded = _load(Path(path) if path is not None else None)
    return Data(loaded.dataset, loaded.warnings, loaded.path)
