"""Several sources for one figure: which one is primary, and whether they agree.

The primary figure is the one from the source of the highest type (statistics, then report,
then press); among sources of one type, the most recently published; then an exact figure
before a bound or an approximation; then the source id, alphabetically.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from ipstats.model import (
    Dataset,
    FigureKey,
    Number,
    Observation,
    ObservationKey,
    Qualifier,
    Source,
    SourceType,
)

SourceOf = Callable[[str], Source]  # a source by its id: Dataset.source, or a dict's lookup

_TYPE_ORDER = {SourceType.STATISTICS: 0, SourceType.REPORT: 1, SourceType.PRESS: 2}


def _newest_first(published: str) -> tuple[int, ...]:
    """A sort key putting later dates first; a date given as a year alone counts as its start."""
    parts = [int(p) for p in published.split("-") if p.isdigit()]
    return tuple(-p for p in [*parts, 0, 0, 0][:3])


def precedence(o: Observation, source: Source) -> tuple[object, ...]:
    """How ``o`` ranks among the sources of its figure: the primary has the smallest key."""
    return (
        _TYPE_ORDER[source.type],
        _newest_first(source.published),
        not o.qualifier.is_exact,
        o.source,
    )


class Figure(NamedTuple):
    """One figure as its sources state it: the primary, then the others by precedence.

    A NamedTuple, as Observation is: one is made for every figure a query shows, and the class
    is made on every start of a query, where a dataclass costs several times more.
    """

    primary: Observation
    others: tuple[Observation, ...] = ()

    @property
    def all(self) -> tuple[Observation, ...]:
        return (self.primary, *self.others)

    def disagreeing(self) -> tuple[Observation, ...]:
        """The other sources' figures that disagree with the primary beyond rounding."""
        return tuple(o for o in self.others if not agree(self.primary, o))


def figures(observations: Iterable[Observation], source_of: SourceOf) -> tuple[Figure, ...]:
    """Observations grouped by the figure they state (``Observation.figure``), each with its
    primary; in the order of each figure's first observation."""
    grouped: dict[FigureKey, list[Observation]] = {}
    for o in observations:
        grouped.setdefault(o.figure, []).append(o)
    return tuple(_ranked(group, source_of) for group in grouped.values())


def _ranked(group: Sequence[Observation], source_of: SourceOf) -> Figure:
    if len(group) == 1:
        return Figure(group[0])
    ordered = sorted(group, key=lambda o: precedence(o, source_of(o.source)))
    return Figure(ordered[0], tuple(ordered[1:]))


def primary(observations: Sequence[Observation], source_of: SourceOf) -> Observation:
    """The primary of several sources' observations of one figure."""
    return _ranked(observations, source_of).primary


def primaries(observations: Iterable[Observation], source_of: SourceOf) -> tuple[Observation, ...]:
    """One observation per figure, its primary, in the order of the figures."""
    return tuple(f.primary for f in figures(observations, source_of))


def primary_keys(
    dataset: Dataset, observations: Sequence[Observation]
) -> frozenset[ObservationKey]:
    """The keys of those of ``observations`` that are their figure's primary among every source
    of the dataset (whichever of them ``observations`` holds)."""
    if len(observations) == len(dataset.observations):
        candidates: Sequence[Observation] = dataset.observations
    else:
        candidates = dataset.observations_of(
            {o.indicator for o in observations}, {o.city for o in observations}
        )
    seen: dict[FigureKey, Observation] = {}
    several: dict[FigureKey, list[Observation]] = {}
    for o in candidates:
        figure = o.figure
        first = seen.setdefault(figure, o)
        if first is not o:
            several.setdefault(figure, [first]).append(o)
    for figure, group in several.items():
        seen[figure] = primary(group, dataset.source)
    return frozenset(o.key for o in seen.values())


# Agreement: each figure stands for the interval of true values its wording and rounding allow
# (22.61万 for 226,050 up to 226,150; "more than 6,000" for anything above 6,000); two figures
# agree when their intervals overlap. Exact whole numbers below ten thousand are exact to the
# unit, so 5,591 and 5,590 do not agree. The ends are exact decimals, an integer count of a power
# of ten, so that no binary rounding moves an end onto or past another (34.8 + 0.05 is 34.85).
# precision is imported where figures are compared, which only files with several sources for
# one figure need: a query of any other file starts without it.
_Exact = tuple[int, int]  # (count, exponent): count times ten to the exponent
_Interval = tuple[_Exact | None, _Exact | None]


def _rounded_to(value: Number) -> _Exact:
    """Half of the last nonzero digit's place: what an approximate figure is rounded to."""
    from ipstats.precision import decimal_parts, half_unit

    if isinstance(value, int) or float(value).is_integer():
        digits = str(abs(int(value)))
        trailing = len(digits) - len(digits.rstrip("0")) if int(value) else 0
        return (5, trailing - 1)
    return decimal_parts(half_unit(value))


def _interval(o: Observation) -> _Interval:
    from ipstats.precision import decimal_parts, half_unit

    value, half = decimal_parts(o.value), decimal_parts(half_unit(o.value))
    q = o.qualifier
    if q is Qualifier.EXACT:
        return _minus(value, half), _plus(value, half)
    if q is Qualifier.ABOUT:
        wide = _larger(half, _rounded_to(o.value))
        return _minus(value, wide), _plus(value, wide)
    if q is Qualifier.NEARLY:
        return _minus(value, _larger(half, _rounded_to(o.value))), _plus(value, half)
    if q is Qualifier.MORE_THAN:
        return value, None
    if q is Qualifier.AT_LEAST:
        return _minus(value, half), None
    if q is Qualifier.LESS_THAN:
        return None, value
    return None, _plus(value, half)  # at most


def _counts(a: _Exact, b: _Exact) -> tuple[int, int, int]:
    """``a`` and ``b`` as counts of their smaller power of ten, and that exponent."""
    exponent = min(a[1], b[1])
    return a[0] * 10 ** (a[1] - exponent), b[0] * 10 ** (b[1] - exponent), exponent


def _plus(a: _Exact, b: _Exact) -> _Exact:
    x, y, exponent = _counts(a, b)
    return (x + y, exponent)


def _minus(a: _Exact, b: _Exact) -> _Exact:
    x, y, exponent = _counts(a, b)
    return (x - y, exponent)


def _at_most(a: _Exact, b: _Exact) -> bool:
    x, y, _ = _counts(a, b)
    return x <= y


def _larger(a: _Exact, b: _Exact) -> _Exact:
    return a if _at_most(b, a) else b


def agree(a: Observation, b: Observation) -> bool:
    """Whether two sources' figures can be the same true figure, allowing for their rounding
    and their wording (a bound agrees with any figure on its side)."""
    (a_low, a_high), (b_low, b_high) = _interval(a), _interval(b)
    below = a_low is not None and b_high is not None and _at_most(b_high, a_low)
    above = b_low is not None and a_high is not None and _at_most(a_high, b_low)
    return not (below or above)


def stated(o: Observation, percent: bool = False) -> str:
    """A figure in words for a note: '6,185', '>6,000', '34.8%'."""
    value = o.value
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return f"{o.qualifier.symbol}{number}{'%' if percent else ''}"


def disagreement_note(label: str, figure: Figure, percent: bool = False) -> str | None:
    """One line saying which other sources give a different figure; None when none does."""
    off = figure.disagreeing()
    if not off:
        return None
    others = "; ".join(f"{o.source} gives {stated(o, percent)}" for o in off)
    shown = figure.primary
    return f"{label}: {others} (shown: {stated(shown, percent)} from {shown.source})"
