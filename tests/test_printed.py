"""ipstats.printed: printed figures read into values, and their wording into qualifiers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.model import Qualifier, Unit
from ipstats.printed import PrintedError, disagreement, parse


@pytest.mark.parametrize(
    ("printed", "value", "percent"),
    [
        ("17.93万", "179300", False),
        ("2.7893 million", "2789300", False),
        ("6,822", "6822", False),
        ("16,300", "16300", False),
        ("１６，３００", "16300", False),
        ("6、822", "6822", False),
        ("24.3亿", "2430000000", False),
        ("1.2万亿", "1200000000000", False),
        ("3.5 billion", "3500000000", False),
        ("1.1 trillion", "1100000000000", False),
        ("249.5 thousand", "249500", False),
        ("34.8 percent", "34.8", True),
        ("34.8%", "34.8", True),
        ("34.8％", "34.8", True),
        ("3.5个百分点", "3.5", True),
        ("2 percentage points", "2", True),
        ("USD 8 million", "8000000", False),
        ("six", "6", False),
        ("twenty-one", "21", False),
        ("first", "1", False),
        ("第二", "2", False),
        ("十二", "12", False),
        ("两", "2", False),
    ],
)
def test_each_printed_form_reads_as_its_value(printed: str, value: str, percent: bool) -> None:
    read = parse(printed)
    assert read.value == Decimal(value)
    assert read.percent is percent
    assert read.qualifier is Qualifier.EXACT


@pytest.mark.parametrize(
    ("printed", "qualifier"),
    [
        ("3000余", Qualifier.MORE_THAN),
        ("30余万", Qualifier.MORE_THAN),
        ("1.2万余", Qualifier.MORE_THAN),
        ("100多", Qualifier.MORE_THAN),
        ("超过5000", Qualifier.MORE_THAN),
        ("more than 6,822", Qualifier.MORE_THAN),
        ("More than a thousand", Qualifier.MORE_THAN),
        ("over USD 35 million", Qualifier.MORE_THAN),
        ("exceeded 410,000", Qualifier.MORE_THAN),
        ("5000以上", Qualifier.AT_LEAST),
        ("at least 12", Qualifier.AT_LEAST),
        ("nearly 2 billion", Qualifier.NEARLY),
        ("近3000", Qualifier.NEARLY),
        ("about 40%", Qualifier.ABOUT),
        ("approximately 88.9%", Qualifier.ABOUT),
        ("约5.2亿", Qualifier.ABOUT),
        ("34.8%左右", Qualifier.ABOUT),
        ("less than 10", Qualifier.LESS_THAN),
        ("up to 30", Qualifier.AT_MOST),
        ("6,822", Qualifier.EXACT),
    ],
)
def test_the_wording_says_the_qualifier(printed: str, qualifier: Qualifier) -> None:
    assert parse(printed).qualifier is qualifier


@pytest.mark.parametrize(
    "printed", ["", "many", "6,82", "1,2345", "a", "约3000余", "12 apples", "一二", "--5"]
)
def test_what_is_not_a_printed_figure_is_refused(printed: str) -> None:
    with pytest.raises(PrintedError):
        parse(printed)


@pytest.mark.parametrize(
    ("printed", "value", "qualifier", "unit", "agrees"),
    [
        ("17.93万", 179300, Qualifier.EXACT, Unit.COUNT, True),
        ("17.93万", 179000, Qualifier.EXACT, Unit.COUNT, False),  # rounded is not equal
        ("3000余", 3000, Qualifier.MORE_THAN, Unit.COUNT, True),
        ("3000余", 3000, Qualifier.EXACT, Unit.COUNT, False),
        ("3000", 3000, Qualifier.MORE_THAN, Unit.COUNT, False),
        ("34.8%", 34.8, Qualifier.EXACT, Unit.PERCENT, True),
        ("34.8", 34.8, Qualifier.EXACT, Unit.PERCENT, False),
        ("34.8%", 34.8, Qualifier.EXACT, Unit.COUNT, False),
        ("24.3亿", 2430000000, Qualifier.EXACT, Unit.CNY, True),
    ],
)
def test_disagreement_with_the_stored_value_qualifier_and_unit(
    printed: str, value: float, qualifier: Qualifier, unit: Unit, agrees: bool
) -> None:
    assert (disagreement(printed, value, qualifier, unit) is None) is agrees


def _grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([",", "，", "、", ""]))
def test_whole_numbers_with_any_separator_read_back(number: int, separator: str) -> None:
    assert parse(_grouped(str(number), separator)).value == number


@given(
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=4),
    st.sampled_from([("万", 4), ("亿", 8), ("万亿", 12), (" million", 6), (" billion", 9)]),
)
def test_figures_with_a_multiplier_read_back_in_base_units(
    mantissa: int, places: int, multiplier: tuple[str, int]
) -> None:
    word, power = multiplier
    shown = Decimal(mantissa).scaleb(-places)
    printed = f"{shown:f}{word}"
    assert parse(printed).value == shown.scaleb(power)


@given(st.text(max_size=30))
def test_any_text_is_read_or_refused_never_a_crash(text: str) -> None:
    try:
        read = parse(text)
    except PrintedError as error:
        assert repr(text) in str(error)
    else:
        assert read.value.is_finite() and read.value >= 0


@pytest.mark.parametrize(
    ("printed", "value", "agrees"),
    [
        ("24.2", 24.2, True),  # a bare figure is in the unit: 24.2 million people
        ("2153.6万", 21.536, True),  # a scale word gives people: 21.536 million
        ("21.536 million", 21.536, True),
        ("24.2", 24_200_000, False),
        ("2153.6万", 2153.6, False),
    ],
)
def test_a_scaled_unit_reads_bare_figures_in_the_unit_and_scaled_ones_in_people(
    printed: str, value: float, agrees: bool
) -> None:
    found = disagreement(printed, value, Qualifier.EXACT, Unit.MILLION_PEOPLE)
    assert (found is None) is agrees, found
