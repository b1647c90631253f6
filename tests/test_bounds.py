"""ipstats.bounds: arithmetic on qualified numbers keeps every bound, pointing the right way."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ipstats import bounds
from ipstats.bounds import Qualified
from ipstats.model import Qualifier

EXACT, MORE, AT_LEAST, LESS, AT_MOST, ABOUT, NEARLY = (
    Qualifier.EXACT,
    Qualifier.MORE_THAN,
    Qualifier.AT_LEAST,
    Qualifier.LESS_THAN,
    Qualifier.AT_MOST,
    Qualifier.ABOUT,
    Qualifier.NEARLY,
)


def q(value: float, qualifier: Qualifier = EXACT) -> Qualified:
    return Qualified(value, qualifier)


def test_exact_minus_a_lower_bound_is_an_upper_bound() -> None:
    # Shanghai 6,822 against Shenzhen "more than 16,300"
    assert bounds.subtract(q(6822), q(16300, MORE)) == q(-9478, LESS)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (EXACT, EXACT, EXACT),
        (MORE, EXACT, MORE),
        (AT_LEAST, EXACT, AT_LEAST),
        (EXACT, MORE, LESS),
        (EXACT, AT_LEAST, AT_MOST),
        (MORE, LESS, MORE),
        (AT_LEAST, AT_MOST, AT_LEAST),
        (AT_LEAST, LESS, MORE),  # strict wins
        (MORE, MORE, None),  # both pull apart: nothing follows
        (LESS, LESS, None),
        (ABOUT, EXACT, ABOUT),
        (NEARLY, ABOUT, ABOUT),  # about and nearly combine to about
        (ABOUT, MORE, LESS),
    ],
)
def test_the_qualifier_of_a_difference(
    a: Qualifier, b: Qualifier, expected: Qualifier | None
) -> None:
    found = bounds.subtract(q(10, a), q(4, b))
    assert (found.qualifier if found else None) == expected
    if found is not None:
        assert found.value == 6


def test_ratio_growth_and_cagr_follow_the_same_rule() -> None:
    assert bounds.divide(q(6822), q(16300, MORE)) == q(6822 / 16300, LESS)
    assert bounds.relative_change(q(1500, MORE), q(1303)) == q((1303 / 1500 - 1) * 100, LESS)
    rate = bounds.compound_rate(q(1500, MORE), q(1303), 3)
    assert rate is not None and rate.qualifier is LESS
    assert bounds.divide(q(5), q(0)) is None
    assert bounds.divide(q(-1), q(3)) is None


def test_words_say_the_direction() -> None:
    assert bounds.words(q(-13.13, AT_MOST), "-13.13%") == "at most -13.13%"
    assert bounds.words(q(5, EXACT), "5") == "5"


# What a true value can be, given a stated value and its qualifier.
positive = st.floats(min_value=0.5, max_value=1e9, allow_nan=False, allow_infinity=False)
qualifiers = st.sampled_from(list(Qualifier))
exact_or_bound = st.sampled_from([EXACT, MORE, AT_LEAST, LESS, AT_MOST])


@st.composite
def stated_and_true(draw: st.DrawFn, qualifier: st.SearchStrategy[Qualifier] = exact_or_bound):
    """A stated value with its qualifier, and a true value the statement allows (positive)."""
    value, chosen = draw(positive), draw(qualifier)
    side = bounds.side(chosen)
    if side is bounds.Side.ABOVE:
        true = value * (1 + draw(st.floats(min_value=1e-6, max_value=5)))
    elif side is bounds.Side.BELOW:
        true = value * draw(st.floats(min_value=1e-3, max_value=1 - 1e-6))
    else:
        true = value
    return Qualified(value, chosen), true


OPERATIONS: dict[str, Callable[[Qualified, Qualified], Qualified | None]] = {
    "subtract": bounds.subtract,
    "divide": bounds.divide,
    "relative_change": bounds.relative_change,
}
TRUE: dict[str, Callable[[float, float], float]] = {
    "subtract": lambda a, b: a - b,
    "divide": lambda a, b: a / b,
    "relative_change": lambda a, b: (b / a - 1) * 100,
}


@given(st.sampled_from(sorted(OPERATIONS)), stated_and_true(), stated_and_true())
def test_a_computed_bound_is_true_of_every_true_value_the_inputs_allow(
    operation: str, first: tuple[Qualified, float], second: tuple[Qualified, float]
) -> None:
    (a, true_a), (b, true_b) = first, second
    found = OPERATIONS[operation](a, b)
    if found is None:
        return
    assert found.admits(TRUE[operation](true_a, true_b), tolerance=1e-9)


@given(stated_and_true(), stated_and_true(), st.integers(min_value=1, max_value=30))
def test_a_compound_rate_from_bounds_is_true_too(
    first: tuple[Qualified, float], last: tuple[Qualified, float], years: int
) -> None:
    (a, true_a), (b, true_b) = first, last
    found = bounds.compound_rate(a, b, years)
    assume(found is not None)
    assert found is not None
    true_rate = (math.pow(true_b / true_a, 1 / years) - 1) * 100
    assert found.admits(true_rate, tolerance=1e-9)


@given(st.sampled_from(sorted(OPERATIONS)), positive, qualifiers, positive, qualifiers)
def test_arithmetic_with_a_bound_never_gives_an_exact_value(
    operation: str, a: float, qa: Qualifier, b: float, qb: Qualifier
) -> None:
    found = OPERATIONS[operation](q(a, qa), q(b, qb))
    if qa is not EXACT or qb is not EXACT:
        assert found is None or found.qualifier is not EXACT
    else:
        assert found is not None and found.qualifier is EXACT


@given(positive, qualifiers, positive, qualifiers)
def test_swapping_the_operands_negates_the_difference_and_flips_its_direction(
    a: float, qa: Qualifier, b: float, qb: Qualifier
) -> None:
    forward, backward = bounds.subtract(q(a, qa), q(b, qb)), bounds.subtract(q(b, qb), q(a, qa))
    assert (forward is None) == (backward is None)
    if forward is not None and backward is not None:
        assert forward.value == -backward.value
        assert bounds.flipped(forward.qualifier) is backward.qualifier
