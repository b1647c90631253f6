"""ipstats: intellectual-property statistics of Chinese cities, each figure traced to its source.

>>> import ipstats
>>> data = ipstats.load()
>>> data.compare("shanghai", "shenzhen", metric="pct").to_records()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipstats._version import __version__

__all__ = ["Data", "IpstatsError", "__version__", "load", "to_pandas"]

if TYPE_CHECKING:
    from ipstats.api import Data, load, to_pandas
    from ipstats.errors import IpstatsError


def __getattr__(name: str) -> Any:
    # The API is imported on first use so that `ipstats --version` stays fast.
    if name in {"Data", "load", "to_pandas"}:
        from ipstats import api

        return getattr(api, name)
    if name == "IpstatsError":
        from ipstats.errors import IpstatsError

        return IpstatsError
    raise AttributeError(f"module 'ipstats' has no attribute {name!r}")
