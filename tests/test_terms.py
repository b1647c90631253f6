"""ipstats.terms: what the core's messages call each parameter, in plain words by default."""

from __future__ import annotations

from ipstats.terms import PLAIN, Terms


def test_plain_terms_are_the_defaults() -> None:
    assert Terms() == PLAIN


def test_plain_terms_are_words_not_flags() -> None:
    for name, term in PLAIN._asdict().items():
        assert term and not term.lstrip().startswith("-"), (name, term)
        assert term == term.strip() and term[0].islower(), (name, term)


def test_each_parameter_has_a_name_of_its_own() -> None:
    terms = list(PLAIN)
    assert len(set(terms)) == len(terms)


def test_the_start_and_end_years_are_said_as_the_core_messages_say_them() -> None:
    assert (PLAIN.start, PLAIN.end, PLAIN.year) == ("the start year", "the end year", "the year")


def test_a_caller_renames_one_parameter_and_keeps_the_others() -> None:
    renamed = PLAIN._replace(year="--year")
    assert renamed.year == "--year"
    assert renamed._replace(year=PLAIN.year) == PLAIN
