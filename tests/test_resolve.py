"""ipstats.resolve: what a user types, turned into a city or an indicator of the dataset."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TINY
from ipstats import resolve
from ipstats.errors import ExitStatus, UsageError
from ipstats.loader import parse
from ipstats.model import Category, Dataset
from ipstats.schema import build_dataset


@pytest.mark.parametrize(
    "name",
    ["alpha", "ALPHA", "Alpha", "甲城", "al", "Al", "甲", "  alpha  ", "ａｌｐｈａ"],
)
def test_city_by_id_name_chinese_name_or_alias(tiny: Dataset, name: str) -> None:
    assert resolve.city(tiny, name).id == "alpha"


def test_unknown_city_suggests_and_lists_known(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "alpah")
    assert (
        str(caught.value)
        == "unknown city 'alpah'; did you mean: alpha? (known: alpha, beta, nation)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE
    assert caught.value.exit_status == 2


def test_unknown_city_without_a_close_match(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "zzz")
    assert str(caught.value) == "unknown city 'zzz' (known: alpha, beta, nation)"


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_city_name(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, name)
    assert str(caught.value) == "empty city name; give a city such as alpha, beta, nation"


def test_control_characters_are_shown_escaped(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "\x1b[31mred\x07")
    assert str(caught.value) == r"unknown city '\x1b[31mred\x07' (known: alpha, beta, nation)"
    assert "\x1b" not in str(caught.value)


def test_long_input_is_shortened(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city(tiny, "q" * 100)
    assert str(caught.value) == f"unknown city '{'q' * 57}...' (known: alpha, beta, nation)"


def test_cities_resolves_each_and_rejects_a_repeat(tiny: Dataset) -> None:
    assert [c.id for c in resolve.cities(tiny, ["beta", "甲城"])] == ["beta", "alpha"]
    with pytest.raises(UsageError) as caught:
        resolve.cities(tiny, ["alpha", "AL"])
    assert str(caught.value) == "city 'alpha' is named twice"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("widgets_granted", "widgets_granted"),
        ("WIDGETS_GRANTED", "widgets_granted"),
        ("widgets", "widgets_granted"),  # an alias, though also a prefix of widgets_granted
        ("rank", "cluster_rank"),
        ("widget_s", "widget_share"),
        ("valid", "valid_widgets"),
        ("fund", "funding_amount"),
        ("clu", "cluster_rank"),
    ],
)
def test_indicator_by_id_alias_or_unique_prefix(tiny: Dataset, name: str, expected: str) -> None:
    assert resolve.indicator(tiny, name).id == expected


@pytest.mark.parametrize("name", ["widget", "w", "WIDGET"])
def test_ambiguous_prefix_lists_candidates(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, name)
    assert str(caught.value) == (
        f"ambiguous metric '{name}': it could be "
        "widgets_granted (Widgets granted); widget_share (Widget share)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE


def test_unknown_indicator_suggests(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "widgts_granted")
    assert str(caught.value) == (
        "unknown metric 'widgts_granted'; did you mean: widgets_granted? "
        "(`ipstats list indicators` shows them all)"
    )


def test_unknown_indicator_without_a_close_match(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "zzz")
    assert str(caught.value) == "unknown metric 'zzz' (`ipstats list indicators` shows them all)"


def test_unknown_indicator_with_control_characters(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, "x\ty\x00")
    assert str(caught.value) == (
        r"unknown metric 'x\ty\x00' (`ipstats list indicators` shows them all)"
    )


@pytest.mark.parametrize("name", ["", " \t "])
def test_empty_indicator_name(tiny: Dataset, name: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(tiny, name)
    assert str(caught.value) == "empty metric name; `ipstats list indicators` shows them all"


def test_city_or_indicator_prefers_the_city(tiny: Dataset) -> None:
    assert resolve.city_or_indicator(tiny, "Beta") == tiny.city("beta")
    assert resolve.city_or_indicator(tiny, "rank") == tiny.indicator("cluster_rank")
    assert resolve.city_or_indicator(tiny, "funding") == tiny.indicator("funding_amount")


def test_city_or_indicator_says_neither_and_suggests_from_both(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.city_or_indicator(tiny, "widgts")
    assert str(caught.value).startswith(
        "no indicator or city named 'widgts'; did you mean: widgets, widget_share"
    )
    with pytest.raises(UsageError, match=r"^no indicator or city named ' '"):
        resolve.city_or_indicator(tiny, " ")
    with pytest.raises(UsageError, match=r"^ambiguous metric 'widget': it could be "):
        resolve.city_or_indicator(tiny, "widget")


def test_indicator_if_named(tiny: Dataset) -> None:
    assert resolve.indicator_if_named(tiny, None) is None
    assert resolve.indicator_if_named(tiny, "WIDGETS") == tiny.indicator("widgets_granted")


def test_category_by_name_in_any_case() -> None:
    assert resolve.category("Creation") is Category.CREATION
    assert resolve.category(Category.PROTECTION) is Category.PROTECTION
    with pytest.raises(UsageError) as caught:
        resolve.category("protect")
    assert str(caught.value).startswith(
        "unknown category 'protect'; did you mean: protection? (valid: "
    )


def test_known_cities_shows_the_first_ten(tiny: Dataset) -> None:
    assert resolve.known_cities(tiny) == "alpha, beta, nation"


# The tiny dataset with Chinese names for some of its indicators.
NAMED = (
    TINY.replace(
        "    name: Widgets granted\n", "    name: Widgets granted\n    name_zh: 部件授权量\n"
    )
    .replace("    name: Valid widgets\n", "    name: Valid widgets\n    name_zh: 有效部件拥有量\n")
    .replace("    name: Widget share\n", "    name: Widget share\n    name_zh: 部件案件占比\n")
)


_NAMED_DATASET = build_dataset(parse(NAMED, "named.yaml"), "named.yaml")[0]


@pytest.fixture
def named() -> Dataset:
    return _NAMED_DATASET


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("widgets granted", "widgets_granted"),  # the id, spaces for underscores
        ("Widgets-Granted", "widgets_granted"),
        ("Funding amount", "funding_amount"),  # the English name
        ("VALID WIDGETS", "valid_widgets"),
        ("部件授权量", "widgets_granted"),  # the Chinese name
        ("有效部件", "valid_widgets"),  # a Chinese term found in one Chinese name only
        ("占比", "widget_share"),
        ("granted widgets", "widgets_granted"),  # the words of the name in another order
        ("cluster", "cluster_rank"),  # a unique prefix still comes before words
        ("amount funding", "funding_amount"),
        ("raised", None),  # descriptions are for search, not for naming a metric
    ],
)
def test_indicator_by_english_or_chinese_name(
    named: Dataset, name: str, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(UsageError, match=r"^unknown metric"):
            resolve.indicator(named, name)
    else:
        assert resolve.indicator(named, name).id == expected


def test_an_ambiguous_chinese_term_lists_candidates_with_both_names(named: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(named, "部件")
    assert str(caught.value) == (
        "ambiguous metric '部件': it could be widgets_granted (Widgets granted, 部件授权量); "
        "valid_widgets (Valid widgets, 有效部件拥有量); widget_share (Widget share, 部件案件占比)"
    )
    assert caught.value.exit_status is ExitStatus.USAGE


def test_an_ambiguous_english_word_lists_candidates(named: Dataset) -> None:
    # "valid widgets" would be an id; "widgets" alone is an alias; "widg" starts two ids.
    with pytest.raises(UsageError, match=r"^ambiguous metric 'Widg': it could be widgets_granted "):
        resolve.indicator(named, "Widg")


def test_several_names_resolve_in_order_each_once(named: Dataset) -> None:
    found = resolve.indicators(named, ["有效部件", "widgets", "valid_widgets"])
    assert [i.id for i in found] == ["valid_widgets", "widgets_granted"]
    assert resolve.indicators(named, None) == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_any_metric_name_resolves_or_is_a_usage_error(name: str) -> None:
    dataset = _NAMED_DATASET
    try:
        found = resolve.indicator(dataset, name)
    except UsageError as error:
        assert str(error).startswith(("empty metric", "unknown metric", "ambiguous metric"))
    else:
        assert found in dataset.indicators
