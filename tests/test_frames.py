"""ipstats.frames: result rows handed to pandas, which ipstats does not require."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from ipstats.errors import ExitStatus, IpstatsError
from ipstats.frames import to_pandas

RECORDS = [{"city": "alpha", "year": 2024, "value": 121}, {"city": "beta", "year": 2024}]
HAS_PANDAS = importlib.util.find_spec("pandas") is not None


def test_without_pandas_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes `import pandas` fail whether or not pandas is installed.
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(IpstatsError) as caught:
        to_pandas(RECORDS)
    assert caught.value.exit_status is ExitStatus.ERROR
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("to_pandas() needs pandas")
    assert "pip install 'ipstats[pandas]'" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas not installed")
def test_a_frame_holds_the_records_in_their_order() -> None:  # pragma: no cover - environment
    frame = to_pandas(RECORDS)
    assert list(frame.columns) == ["city", "year", "value"]
    assert list(frame["city"]) == ["alpha", "beta"]
    assert frame["value"].iloc[0] == 121 and frame["value"].isna().iloc[1]


@pytest.mark.skipif(not HAS_PANDAS, reason="pandas not installed")
def test_no_records_make_an_empty_frame() -> None:  # pragma: no cover - environment
    assert len(to_pandas([])) == 0
