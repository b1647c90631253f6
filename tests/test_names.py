"""ipstats.names: the folded form names are compared in, and suggestions for misspellings."""

from __future__ import annotations

import pytest

from ipstats.names import close_matches, did_you_mean, fold


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Shanghai", "shanghai"),
        ("  New   York ", "new york"),
        ("ＳＨＡＮＧＨＡＩ", "shanghai"),  # full-width letters, NFKC
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("上海", "上海"),
        ("", ""),
    ],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_close_matches_best_first_and_in_the_candidates_own_spelling() -> None:
    candidates = ["Shenzhen", "shanghai", "Beijing"]
    assert close_matches("shenzen", candidates) == ["Shenzhen"]
    assert close_matches("SHANGHIA", candidates)[0] == "shanghai"
    assert close_matches("zzz", candidates) == []


def test_close_matches_has_a_limit_and_ignores_repeats() -> None:
    candidates = ["abcd", "abce", "abcf", "abcg", "abcd"]
    found = close_matches("abcx", candidates, limit=2)
    assert len(found) == 2
    assert len(set(close_matches("abcx", candidates))) == 3


def test_did_you_mean() -> None:
    assert did_you_mean("alpah", ["alpha", "beta"]) == "; did you mean: alpha?"
    assert did_you_mean("qqq", ["alpha", "beta"]) == ""
