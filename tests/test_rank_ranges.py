"""ipstats.rank_ranges: the order of figures and the best and worst rank each one allows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipstats.model import Category, Indicator, Measure, Observation, Unit
from ipstats.rank_ranges import lowest_first, rank_places
from test_rank import CITIES, RANKS, WIDGETS, obs

PLACES = {c.id: c for c in CITIES}
SHARE = Indicator("share", "Share", (), Category.CREATION, Unit.PERCENT, Measure.RATE, "")


def ranks(*figures: Observation, indicator: Indicator = WIDGETS) -> list[tuple[str, int, int]]:
    """(place, best rank, worst rank) in the order of the table."""
    ranked = rank_places([(PLACES[o.city], o) for o in figures], indicator)
    return [(place.id, best, worst) for place, _, best, worst, _ in ranked]


# Order and shared ranks


def test_places_are_ordered_highest_first_and_equal_figures_share_a_rank() -> None:
    figures = [(PLACES[p], obs(p, v)) for p, v in (("p1", 100), ("p2", 300), ("p3", 200))]
    figures.append((PLACES["p4"], obs("p4", 300)))
    found = [(p.id, best, worst, tied) for p, _, best, worst, tied in rank_places(figures, WIDGETS)]
    assert found == [
        ("p2", 1, 1, True),
        ("p4", 1, 1, True),
        ("p3", 3, 3, False),
        ("p1", 4, 4, False),
    ]


def test_ranks_of_a_rank_indicator_go_lowest_first() -> None:
    assert lowest_first(RANKS) and not lowest_first(WIDGETS)
    figures = [obs(p, v, indicator="place") for p, v in (("p1", 7), ("p2", 2), ("p3", 7))]
    assert ranks(*figures, indicator=RANKS) == [("p2", 1, 1), ("p1", 2, 2), ("p3", 2, 2)]


# Bounds


def test_a_bound_is_placed_at_its_figure_and_the_ranks_it_leaves_open_are_ranges() -> None:
    found = ranks(obs("p1", 5000), obs("p2", 3000, "more_than"), obs("p3", 4000), obs("p4", 2000))
    # p2 is more than 3,000: anywhere from first to third; p1 and p3 may each be passed by it.
    assert found == [("p1", 1, 2), ("p3", 2, 3), ("p2", 1, 3), ("p4", 4, 4)]


def test_a_strict_bound_is_above_an_equal_exact_figure_and_an_inclusive_one_may_tie() -> None:
    strict = ranks(obs("p1", 3000), obs("p2", 3000, "more_than"))
    assert strict == [("p2", 1, 1), ("p1", 2, 2)]
    inclusive = ranks(obs("p1", 3000), obs("p2", 3000, "at_least"))
    assert inclusive == [("p2", 1, 1), ("p1", 1, 2)]


def test_an_upper_bound_may_fall_to_the_bottom_but_not_below_zero() -> None:
    # less than 100 is below 150, and a count of less than 100 may be 0 but not below it
    found = ranks(obs("p1", 150), obs("p2", 100, "less_than"), obs("p3", 0))
    assert found == [("p1", 1, 1), ("p2", 2, 2), ("p3", 2, 3)]


def test_an_upper_bound_of_a_percent_may_fall_below_zero() -> None:
    less = obs("p1", 5, "less_than", indicator="share")
    below = obs("p2", -3, indicator="share")
    assert ranks(less, below, indicator=SHARE) == [("p1", 1, 2), ("p2", 1, 2)]
    # the same figures of a count: less than 5 is at least 0, so never below a count of 0
    assert ranks(obs("p1", 5, "less_than"), obs("p2", 0)) == [("p1", 1, 1), ("p2", 1, 2)]


def test_two_equal_bounds_may_be_in_either_order() -> None:
    found = ranks(obs("p1", 50, "more_than"), obs("p2", 50, "more_than"), obs("p3", 10))
    assert found == [("p1", 1, 2), ("p2", 1, 2), ("p3", 3, 3)]


def test_an_approximation_is_ranked_at_its_figure() -> None:
    assert ranks(obs("p1", 100, "about"), obs("p2", 99)) == [("p1", 1, 1), ("p2", 2, 2)]


# A figure as stated (value and qualifier) and a true value the statement allows.
_STATED = st.tuples(
    st.integers(0, 20),
    st.sampled_from(["exact", "more_than", "at_least", "less_than", "at_most"]),
    st.integers(0, 25),
).filter(lambda t: _allows(t[1], t[0], t[2]))


def _allows(qualifier: str, stated: int, true: int) -> bool:
    return {
        "exact": true == stated,
        "more_than": true > stated,
        "at_least": true >= stated,
        "less_than": true < stated,
        "at_most": true <= stated,
    }[qualifier]


@settings(max_examples=300, deadline=None)
@given(st.lists(_STATED, min_size=1, max_size=6))
def test_the_true_rank_is_always_inside_the_range_given(stated: list[tuple[int, str, int]]) -> None:
    places = CITIES[1 : 1 + len(stated)]
    figures = [(p, obs(p.id, v, q)) for p, (v, q, _) in zip(places, stated, strict=False)]
    true = {p.id: t for p, (_, _, t) in zip(places, stated, strict=False)}
    for place, _, best, worst, _ in rank_places(figures, WIDGETS):
        actual = 1 + sum(t > true[place.id] for t in true.values())
        assert best <= actual <= worst
        if all(q == "exact" for _, q, _ in stated):
            assert best == worst
