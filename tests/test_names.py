"""ipstats.names: the folded form names are compared in, terms and matching, suggestions."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.names import all_terms_match, close_matches, did_you_mean, fold, has_cjk, key, terms


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


@given(st.text())
def test_fold_is_nfkc_casefolded_with_white_space_collapsed(name: str) -> None:
    assert fold(name) == " ".join(unicodedata.normalize("NFKC", name).casefold().split())


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("patents_granted", ("patents", "granted")),
        ("Granted  PATENTS", ("granted", "patents")),
        ("PCT国际专利申请量", ("pct", "国际专利申请量")),
        ("ISO 56005创新管理", ("iso", "56005", "创新管理")),
        ("High-value, per 10,000", ("high", "value", "per", "10", "000")),
        ("（基地）", ("基地",)),
        ("---", ()),
    ],
)
def test_terms_are_words_and_runs_of_chinese(text: str, expected: tuple[str, ...]) -> None:
    assert terms(text) == expected


def test_key_makes_spaces_hyphens_and_underscores_alike() -> None:
    assert key("Valid trademarks") == key("valid_trademarks") == key("valid-TRADEMARKS")
    assert key("valid trademark") != key("valid trademarks")


def test_has_cjk() -> None:
    assert has_cjk("专利") and has_cjk("PCT国际") and has_cjk("𠀀")
    assert not has_cjk("Patents") and not has_cjk("（）、") and not has_cjk("")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("granted patents", True),  # any order
        ("patents granted", True),
        ("pat gran", True),  # starts of words
        ("tents", False),  # but not the middle of one
        ("专利", True),  # Chinese: anywhere in the Chinese text
        ("授权量", True),
        ("专利 granted", True),
        ("专利 trademarks", False),  # every term must be found
        ("商标", False),
    ],
)
def test_all_terms_match(query: str, found: bool) -> None:
    texts = ("patents_granted", "Patents granted", "专利授权量")
    assert all_terms_match(terms(query), texts) is found


def test_copyright_has_two_chinese_words_for_one_right() -> None:
    assert all_terms_match(terms("版权"), ("作品著作权登记数",))
    assert all_terms_match(terms("著作权"), ("版权示范单位",))
    assert all_terms_match(terms("版权登记"), ("作品著作权登记数",))
    assert not all_terms_match(terms("版权"), ("专利授权量",))
