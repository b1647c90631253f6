"""The Python API for notebooks: names in, the same result objects the CLI renders out."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipstats import compare as _compare
from ipstats import growth as _growth
from ipstats import query, resolve
from ipstats.datafile import load as _load
from ipstats.errors import IpstatsError, Problem
from ipstats.model import Category, Dataset
from ipstats.table import Table


def to_pandas(records: list[dict[str, Any]]) -> Any:
    """A pandas DataFrame of records; pandas is optional (``pip install 'ipstats[pandas]'``)."""
    try:
        pd = importlib.import_module("pandas")
    except ImportError:
        raise IpstatsError("to_pandas() needs pandas: pip install 'ipstats[pandas]'") from None
    return pd.DataFrame.from_records(records)


@dataclass(frozen=True, slots=True)
class Data:
    """A loaded dataset with query methods that accept the names people type."""

    dataset: Dataset
    warnings: tuple[Problem, ...]
    path: Path

    def observations(
        self,
        city: str | list[str] | None = None,
        metric: str | None = None,
        start: int | None = None,
        end: int | None = None,
        category: str | None = None,
        search: str = "",
    ) -> Table:
        """Observations matching the filters (every argument optional)."""
        cities = [city] if isinstance(city, str) else list(city or [])
        where = query.Filter(
            cities=tuple(c.id for c in resolve.cities(self.dataset, cities)),
            indicators=(resolve.indicator(self.dataset, metric).id,) if metric else (),
            year_from=start,
            year_to=end,
            category=Category(category) if category else None,
            search=search,
        )
        return query.observations_table(self.dataset, where)

    def series(self, city: str, metric: str) -> Table:
        """One city's observations of one indicator, by year."""
        return self.observations(city=city, metric=metric)

    def compare(
        self, *cities: str, metric: str | None = None, year: int | None = None
    ) -> _compare.Comparison:
        """Cities side by side on one metric, or on every indicator they share."""
        found = resolve.cities(self.dataset, list(cities))
        if len(found) < 2:
            raise IpstatsError("compare needs at least two cities")
        if metric is None:
            return _compare.compare_all(self.dataset, found, year)
        return _compare.compare_metric(
            self.dataset, found, resolve.indicator(self.dataset, metric), year
        )

    def growth(
        self,
        *cities: str,
        metric: str | None = None,
        start: int | None = None,
        end: int | None = None,
        implied: bool = True,
    ) -> _growth.Growth:
        """Year-on-year and span growth with CAGR for one metric or every series."""
        found = resolve.cities(self.dataset, list(cities))
        indicator = resolve.indicator(self.dataset, metric) if metric else None
        return _growth.growth(self.dataset, found, indicator, start, end, implied)


def load(path: str | Path | None = None) -> Data:
    """Load the shipped dataset, or the file at ``path`` (also honours $IPSTATS_DATA)."""
    loaded = _load(Path(path) if path is not None else None)
    return Data(loaded.dataset, loaded.warnings, loaded.path)
