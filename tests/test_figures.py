"""ipstats.figures: which of several sources' figures is primary, and whether they agree."""

from __future__ import annotations

from decimal import Decimal, Inexact, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.figures import Figure, agree, figures, primaries, primary, primary_keys
from ipstats.model import Dataset, Number, Observation, Period, Qualifier, Source, SourceType
from ipstats.precision import half_unit


def obs(value: float, source: str, qualifier: Qualifier = Qualifier.EXACT) -> Observation:
    return Observation("pct", "alpha", 2023, value, qualifier, Period.YEAR, source, "p. 1")


def src(source_id: str, kind: SourceType, published: str) -> Source:
    return Source(source_id, source_id, source_id, "Office", published, ("en",), type=kind)


SOURCES = {
    s.id: s
    for s in (
        src("stats-old", SourceType.STATISTICS, "2023"),
        src("stats-new", SourceType.STATISTICS, "2024-06-30"),
        src("report-new", SourceType.REPORT, "2025-01"),
        src("press-new", SourceType.PRESS, "2025-12-31"),
        src("report-a", SourceType.REPORT, "2024"),
        src("report-b", SourceType.REPORT, "2024"),
        src("report-dated", SourceType.REPORT, "2024-03"),
    )
}


def pick(*observations: Observation) -> Observation:
    return primary(observations, SOURCES.__getitem__)


def test_the_highest_type_wins_whatever_the_dates() -> None:
    stats, report, press = obs(1, "stats-old"), obs(2, "report-new"), obs(3, "press-new")
    assert pick(press, report, stats) is stats
    assert pick(press, report) is report


def test_among_equal_types_the_most_recently_published_wins() -> None:
    old, new = obs(1, "stats-old"), obs(2, "stats-new")
    assert pick(old, new) is new and pick(new, old) is new
    # a date given as a year alone counts as its start: the dated one is newer
    assert pick(obs(1, "report-a"), obs(2, "report-dated")).source == "report-dated"


def test_then_the_exact_figure_over_a_bound_then_the_source_id() -> None:
    bound, exact = obs(6000, "report-a", Qualifier.MORE_THAN), obs(6185, "report-b")
    assert pick(bound, exact) is exact
    first, second = obs(5, "report-a"), obs(5, "report-b")
    assert pick(second, first) is first


def test_figures_group_one_figure_and_keep_the_others_by_precedence() -> None:
    other_year = obs(9, "report-a")._replace(year=2022)
    scoped = obs(9, "report-a")._replace(scope="pilot zone")
    found = figures(
        [obs(1, "press-new"), other_year, obs(2, "stats-old"), obs(3, "report-a"), scoped],
        SOURCES.__getitem__,
    )
    assert [f.primary.source for f in found] == ["stats-old", "report-a", "report-a"]
    first = found[0]
    assert [o.source for o in first.others] == ["report-a", "press-new"]
    assert [o.source for o in first.all] == ["stats-old", "report-a", "press-new"]
    assert found[1] == Figure(other_year) and found[2] == Figure(scoped)
    assert [o.value for o in primaries(found[0].all, SOURCES.__getitem__)] == [2]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (obs(226100, "s"), obs(226113, "s"), True),  # 22.61万 is 226,050 to 226,150
        (obs(226100, "s"), obs(226200, "s"), False),
        (obs(5591, "s"), obs(5590, "s"), False),  # below 10,000 every digit is exact
        (obs(6185, "s"), obs(6185, "s"), True),
        (obs(34.8, "s"), obs(34.79, "s"), True),
        (obs(34.8, "s"), obs(34.9, "s"), False),
        (obs(6000, "s", Qualifier.MORE_THAN), obs(6185, "s"), True),
        (obs(6000, "s", Qualifier.MORE_THAN), obs(5900, "s"), False),
        (obs(6000, "s", Qualifier.AT_MOST), obs(5900, "s"), True),
        (obs(6000, "s", Qualifier.LESS_THAN), obs(6185, "s"), False),
        (obs(6000, "s", Qualifier.MORE_THAN), obs(5000, "s", Qualifier.LESS_THAN), False),
        (obs(6000, "s", Qualifier.MORE_THAN), obs(7000, "s", Qualifier.AT_LEAST), True),
        (obs(6000, "s", Qualifier.ABOUT), obs(6185, "s"), True),  # about 6,000: to the thousand
        (obs(6000, "s", Qualifier.ABOUT), obs(6600, "s"), False),
        (obs(6200, "s", Qualifier.NEARLY), obs(6185, "s"), True),
        (obs(6200, "s", Qualifier.NEARLY), obs(6250, "s"), False),
    ],
)
def test_two_figures_agree_within_rounding_and_their_wording(
    a: Observation, b: Observation, same: bool
) -> None:
    assert agree(a, b) is same and agree(b, a) is same


def test_only_the_disagreeing_others_are_said() -> None:
    figure = Figure(obs(6185, "stats-new"), (obs(6185, "report-a"), obs(6190, "press-new")))
    assert [o.source for o in figure.disagreeing()] == ["press-new"]


def test_primary_keys_are_decided_over_every_source_of_the_dataset() -> None:
    chosen = [obs(1, "report-a"), obs(2, "stats-new"), obs(3, "report-b")._replace(year=2020)]
    dataset = Dataset.build(SOURCES.values(), (), (), chosen)
    keys = primary_keys(dataset, chosen)
    assert keys == {chosen[1].key, chosen[2].key}
    # a selection of one source still says whether its figure is the primary one
    assert chosen[0].key not in primary_keys(dataset, chosen[:1])
    assert chosen[1].key in primary_keys(dataset, chosen[1:2])


# agree against the same intervals in the decimal module, computed without rounding (a context
# that raises on any inexact result), over near figures, where verdicts go either way, and over
# every finite float and large ints.


def reference_interval(o: Observation) -> tuple[Decimal | None, Decimal | None]:
    def exact(value: Number) -> Decimal:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def rounded_to(value: Number) -> Decimal:
        if isinstance(value, int) or float(value).is_integer():
            digits = str(abs(int(value)))
            trailing = len(digits) - len(digits.rstrip("0")) if int(value) else 0
            return Decimal(5) * Decimal(10) ** (trailing - 1)
        return exact(half_unit(value))

    value, half = exact(o.value), exact(half_unit(o.value))
    q = o.qualifier
    if q is Qualifier.EXACT:
        return value - half, value + half
    if q is Qualifier.ABOUT:
        wide = max(half, rounded_to(o.value))
        return value - wide, value + wide
    if q is Qualifier.NEARLY:
        return value - max(half, rounded_to(o.value)), value + half
    if q is Qualifier.MORE_THAN:
        return value, None
    if q is Qualifier.AT_LEAST:
        return value - half, None
    if q is Qualifier.LESS_THAN:
        return None, value
    return None, value + half


def reference_agree(a: Observation, b: Observation) -> bool:
    with localcontext() as context:
        context.prec = 1000  # a float's repr spans at most 17 + 632 digits
        context.traps[Inexact] = True
        (a_low, a_high), (b_low, b_high) = reference_interval(a), reference_interval(b)
        below = a_low is not None and b_high is not None and b_high <= a_low
        above = b_low is not None and a_high is not None and a_high <= b_low
    return not (below or above)


def _near(count: int, exponent: int) -> Number:
    return count * 10**exponent if exponent >= 0 else float(f"{count}e{exponent}")


NEAR = st.builds(_near, st.integers(-20_000, 20_000), st.integers(-4, 4))
ANY = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**40), 10**40),
)
QUALIFIERS = st.sampled_from(list(Qualifier))


@given(
    values=st.one_of(st.tuples(NEAR, NEAR), st.tuples(ANY, ANY), ANY.map(lambda v: (v, v))),
    qualifiers=st.tuples(QUALIFIERS, QUALIFIERS),
)
def test_agree_as_exact_decimal_intervals_give(
    values: tuple[Number, Number], qualifiers: tuple[Qualifier, Qualifier]
) -> None:
    a, b = (obs(v, "s", q) for v, q in zip(values, qualifiers, strict=True))
    assert agree(a, b) is reference_agree(a, b)
    assert agree(b, a) is agree(a, b)


def test_a_figure_agrees_with_itself_at_any_magnitude() -> None:
    # to 28 digits, the decimal module's default, 10**30 + 1 give or take 0.5 is 10**30 to 10**30
    for value in (10**30 + 1, 1e300, 1.7976931348623157e308, 1.2345678901234567e-8):
        assert agree(obs(value, "s"), obs(value, "s"))
