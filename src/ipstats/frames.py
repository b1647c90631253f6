"""Handing result rows to pandas, which ipstats does not require."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from ipstats.errors import IpstatsError


def to_pandas(records: Sequence[dict[str, Any]]) -> Any:
    """A pandas DataFrame of records; pandas is optional (``pip install 'ipstats[pandas]'``)."""
    try:
        pd = importlib.import_module("pandas")
    except ImportError:
        raise IpstatsError("to_pandas() needs pandas: pip install 'ipstats[pandas]'") from None
    return pd.DataFrame.from_records(records)
