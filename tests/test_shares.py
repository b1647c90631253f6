"""ipstats.shares: which figures have a share, of which place's figure, and with what qualifier."""

from __future__ import annotations

import pytest

from ipstats.model import Category, City, CityKind, Dataset, Indicator, Measure, Qualifier, Unit
from ipstats.shares import Share, is_additive, nation_of, share_of
from test_rank import CITIES, RANKS, RATE, SOURCES, WIDGETS, dataset, obs


def test_only_quantities_that_add_up_across_places_have_shares() -> None:
    money = Indicator("funds", "Funds", (), Category.UTILIZATION, Unit.CNY, Measure.STOCK, "")
    percent = Indicator("pct", "Pct", (), Category.UTILIZATION, Unit.PERCENT, Measure.FLOW, "")
    assert is_additive(WIDGETS) and is_additive(money)
    assert not is_additive(RATE) and not is_additive(RANKS) and not is_additive(percent)


def test_the_nation_is_found_through_the_parents() -> None:
    ds = dataset()
    assert nation_of(ds, ds.city("c1")) == ds.city("nation")  # c1 lies in p1, p1 in the nation
    assert nation_of(ds, ds.city("p1")) == ds.city("nation")


def test_a_place_naming_no_parent_lies_in_the_only_country_if_there_is_only_one() -> None:
    loose = City("loose", "Loose", "散", (), CityKind.PROVINCE)
    one = Dataset.build(SOURCES, (*CITIES, loose), (WIDGETS,), ())
    assert nation_of(one, loose) == one.city("nation")
    other = City("other", "Other", "他国", (), CityKind.COUNTRY)
    two = Dataset.build(SOURCES, (*CITIES, loose, other), (WIDGETS,), ())
    assert nation_of(two, loose) is None


def test_a_share_is_of_the_containing_places_own_figure_in_percent() -> None:
    ds = dataset(obs("nation", 1000), obs("nation", 1200, source="press"))
    share = share_of(ds, WIDGETS, obs("p1", 300), ds.city("nation"))
    assert share is not None and share.share is not None
    assert share.total == obs("nation", 1000)  # the primary of the figures stated for it
    assert share.share.value == pytest.approx(30.0)
    assert share.share.qualifier is Qualifier.EXACT
    assert share_of(ds, WIDGETS, obs("p1", 300), None) is None


def test_a_total_of_another_year_or_period_is_none() -> None:
    ds = dataset(obs("nation", 1000, year=2015), obs("nation", 1000, period="year_end"))
    nation = ds.city("nation")
    assert share_of(ds, WIDGETS, obs("p1", 300), nation) == Share(nation, None, None)


def test_a_share_of_a_bound_or_of_a_bound_total_is_a_bound_the_right_way() -> None:
    lower = dataset(obs("nation", 1000))
    share = share_of(lower, WIDGETS, obs("p1", 300, "more_than"), lower.city("nation"))
    assert share is not None and share.share is not None
    assert share.share.qualifier is Qualifier.MORE_THAN
    # a figure over a total of more than 1,000 is less than its share of 1,000
    upper = dataset(obs("nation", 1000, "more_than"))
    share = share_of(upper, WIDGETS, obs("p1", 300), upper.city("nation"))
    assert share is not None and share.share is not None
    assert share.share.qualifier is Qualifier.LESS_THAN


def test_a_scoped_national_figure_is_not_the_total() -> None:
    ds = dataset(obs("nation", 500, scope="mainland (31 provinces)"))
    nation = ds.city("nation")
    assert share_of(ds, WIDGETS, obs("p1", 100), nation) == Share(nation, None, None)
