"""The result of a ranking: its rows, the table machine formats show, and its footnotes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipstats import bounds
from ipstats.model import City, Indicator, Observation, Period
from ipstats.query import years_text
from ipstats.rank_ranges import lowest_first
from ipstats.shares import Share, is_additive
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN

OTHER_YEAR_MARK = "*"
OTHER_SOURCE_MARK = "s"
_PERIOD_WORDS = {
    Period.YEAR: "calendar-year",
    Period.YEAR_END: "year-end",
    Period.AS_OF: "as-of-a-date",
    Period.CUMULATIVE: "running-total",
    Period.CAMPAIGN: "campaign",
}


@dataclass(frozen=True, slots=True)
class RankedPlace:
    """One place's figure and where it stands.

    ``best`` and ``worst`` are the highest and lowest rank the figures allow: equal unless a
    bound (its own or another place's) leaves the order open. ``tied``: an exact rank shared
    with another place. ``other_year``: the figure is not of the ranking's year (no figure of
    that year). ``others``: the same figure as other sources state it.
    """

    place: City
    observation: Observation
    best: int
    worst: int
    tied: bool
    national: Share | None
    parent: Share | None
    other_year: bool = False
    others: tuple[Observation, ...] = ()

    @property
    def rank_text(self) -> str:
        return str(self.best) if self.best == self.worst else f"{self.best}–{self.worst}"

    @property
    def marks(self) -> str:
        return (OTHER_YEAR_MARK if self.other_year else "") + (
            OTHER_SOURCE_MARK if self.disagreeing else ""
        )

    @property
    def disagreeing(self) -> tuple[Observation, ...]:
        """Other sources' figures that differ from the one ranked."""
        o = self.observation
        return tuple(x for x in self.others if (x.value, x.qualifier) != (o.value, o.qualifier))


@dataclass(frozen=True, slots=True)
class Unranked:
    """A place of the level asked for without a figure to rank; ``years``: those it has."""

    place: City
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """The result of a ranking; ``to_table`` gives what machine formats and exporters show."""

    indicator: Indicator
    year: int
    period: Period
    pinned: bool  # the year was asked for (else: the latest year most places have)
    places: str  # what is ranked, in words: "province-level places", "cities in Guangdong"
    within: City | None
    rows: tuple[RankedPlace, ...]
    unranked: tuple[Unranked, ...] = ()
    scoped: int = 0  # figures of a scope (part of a place) left out
    other_periods: tuple[Period, ...] = ()  # kinds of period of the figures left out
    other_period_count: int = 0
    sources: tuple[str, ...] = ()
    year_term: str = PLAIN.year  # what messages call the year asked for

    @property
    def additive(self) -> bool:
        return is_additive(self.indicator)

    @property
    def nation(self) -> City | None:
        """The national place whose figure the shares are of (the first row's)."""
        found = [r.national.of for r in self.rows if r.national is not None]
        return found[0] if found else None

    @property
    def parent_differs_from_nation(self) -> bool:
        """Whether some place's parent is not the nation: its share of the parent says more."""
        return any(
            r.parent is not None and r.national is not None and r.parent.of != r.national.of
            for r in self.rows
        )

    @property
    def when(self) -> str:
        """The year and kind of period ranked, in words: 'in 2016', 'at the end of 2016'."""
        if self.period is Period.YEAR_END:
            return f"at the end of {self.year}"
        if self.period is Period.YEAR:
            return f"in {self.year}"
        return f"in {self.year} ({_PERIOD_WORDS[self.period]} figures)"

    @property
    def title(self) -> str:
        i = self.indicator
        return f"{i.name} ({i.id}, {i.unit.label}) {self.when}: {self.places} ranked"

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def to_table(self) -> Table:
        """One row per place ranked, every number raw with its qualifier, unit, period, scope
        and source."""
        rows = tuple(self._record(r) for r in self.rows)
        return Table(
            title=self.title,
            columns=_COLUMNS,
            rows=rows,
            footnotes=self.footnotes(),
            sources=self.sources,
        )

    def _record(self, r: RankedPlace) -> dict[str, Any]:
        o = r.observation
        record: dict[str, Any] = {
            "rank": r.best,
            "rank_worst": r.worst,
            "tied": r.tied,
            "place": r.place.id,
            "name": r.place.name,
            "kind": r.place.kind.value,
            "parent": r.place.parent or None,
            "indicator": self.indicator.id,
            "year": o.year,
            "other_year": r.other_year,
            "value": o.value,
            "qualifier": o.qualifier.value,
            "unit": self.indicator.unit.value,
            "period": o.period_label,
            "scope": o.scope or None,
            "source": o.source,
            "locator": o.locator,
        }
        for prefix, share in (("national", r.national), ("parent", r.parent)):
            total = share.total if share is not None else None
            figure = share.share if share is not None else None
            record[f"{prefix}_share"] = figure.value if figure is not None else None
            record[f"{prefix}_share_qualifier"] = figure.qualifier.value if figure else None
            record[f"{prefix}_place"] = share.of.id if share is not None else None
            record[f"{prefix}_value"] = total.value if total is not None else None
            record[f"{prefix}_qualifier"] = total.qualifier.value if total is not None else None
            record[f"{prefix}_source"] = total.source if total is not None else None
        record["other_sources"] = (
            "; ".join(f"{x.source}: {x.qualifier.symbol}{x.value}" for x in r.others) or None
        )
        record["marks"] = r.marks or None
        return record

    def footnotes(self) -> tuple[str, ...]:
        """What a reader must know to read the ranking: order, bounds, shares, years, sources."""
        notes = [self._order_note()]
        if not self.pinned:
            notes.append(
                f"{self.year}: the latest year most of the {self.places} have a figure for; "
                f"{self.year_term} ranks another"
            )
        if any(r.best != r.worst for r in self.rows):
            notes.append(
                "a bound (> more than, < less than) is placed at its figure; where it leaves "
                "the order open the rank is the range the figures allow (1–3), for the bound "
                "and for the places it may pass"
            )
        if any(bounds.side(r.observation.qualifier) is bounds.Side.NEAR for r in self.rows):
            notes.append("an approximate figure (~) is ranked at the figure stated")
        notes += self._share_notes()
        off = [r for r in self.rows if r.other_year]
        if off:
            listed = ", ".join(f"{r.place.name} {r.observation.year}" for r in off)
            notes.append(
                f"{OTHER_YEAR_MARK} no figure of {self.year}; ranked with its figure of the "
                f"closest year: {listed}"
            )
        for r in self.rows:
            if r.disagreeing:
                said = "; ".join(
                    f"{x.source} gives {x.qualifier.symbol}{x.value:,}" for x in r.disagreeing
                )
                notes.append(
                    f"{OTHER_SOURCE_MARK} {r.place.name} {r.observation.year}: ranked by "
                    f"{r.observation.source}'s {r.observation.qualifier.symbol}"
                    f"{r.observation.value:,}; {said}"
                )
        notes += self._left_out_notes()
        return tuple(notes)

    def _order_note(self) -> str:
        order = (
            "lowest first (rank 1 is the best)" if lowest_first(self.indicator) else "highest first"
        )
        return f"Ranked {order}; equal figures share a rank (1, 2, 2, 4)"

    def _share_notes(self) -> list[str]:
        if not self.additive:
            return [
                f"no shares: {self.indicator.id} is a {self.indicator.measure.value} in "
                f"{self.indicator.unit.label}, which does not add up across places"
            ]
        notes = []
        nation = self.nation
        if nation is not None:
            totals = {
                (r.national.total.year, r.national.total.source): r.national.total
                for r in self.rows
                if r.national is not None and r.national.total is not None
            }
            stated = "; ".join(
                f"{t.qualifier.symbol}{t.value:,} in {t.year} ({t.source})" for t in totals.values()
            )
            if totals:
                notes.append(
                    f"% of {nation.name}: share of {nation.name}'s own figure, {stated}, "
                    "not of the sum of the rows"
                )
            missing = sorted(
                {
                    r.observation.year
                    for r in self.rows
                    if r.national is not None and r.national.total is None
                }
            )
            if missing:
                notes.append(
                    f"% of {nation.name}: not given for {years_text(missing)}: the dataset has "
                    f"no whole-place {_PERIOD_WORDS[self.period]} figure of {nation.name} for it"
                )
        elif self.rows:
            notes.append("no national share: the places belong to no country in the dataset")
        if self.parent_differs_from_nation:
            lacking = [
                r.place.name for r in self.rows if r.parent is not None and r.parent.total is None
            ]
            note = (
                "% of province or parent: share of the own figure of the place it lies in, "
                "same year and period"
            )
            if lacking:
                note += f"; not given where the dataset has none ({', '.join(lacking)})"
            notes.append(note)
        return notes

    def _left_out_notes(self) -> list[str]:
        notes = []
        if self.other_period_count:
            kinds = ", ".join(_PERIOD_WORDS[p] for p in self.other_periods)
            notes.append(
                f"only {_PERIOD_WORDS[self.period]} figures are ranked; "
                f"{self.other_period_count} {kinds} figure"
                f"{'' if self.other_period_count == 1 else 's'} left out"
            )
        if self.scoped:
            notes.append(
                f"only whole-place figures are ranked; {self.scoped} figure"
                f"{'' if self.scoped == 1 else 's'} of a part of a place (a scope) left out"
            )
        return notes

    def notes(self) -> tuple[str, ...]:
        """What is said beside the table (on stderr): the places with nothing ranked."""
        if not self.unranked:
            return ()
        none = [u.place.id for u in self.unranked if not u.years]
        other = [f"{u.place.id} ({years_text(u.years)})" for u in self.unranked if u.years]
        lines = []
        of = f"no whole-place {_PERIOD_WORDS[self.period]} figure of {self.indicator.id}"
        if other:
            lines.append(f"{of} {self.when} for: {', '.join(other)}")
        if none:
            lines.append(f"{of} in any year for: {', '.join(none)}")
        return tuple(lines)


_COLUMNS = (
    Column("rank", "Rank", Kind.INTEGER),
    Column("rank_worst", "Lowest possible rank", Kind.INTEGER),
    Column("tied", "Tied"),
    Column("place", "Place"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("parent", "Parent"),
    Column("indicator", "Indicator"),
    Column("year", "Year", Kind.INTEGER),
    Column("other_year", "Other year"),
    Column("value", "Value", Kind.VALUE, qualifier_key="qualifier"),
    Column("qualifier", "Qualifier"),
    Column("unit", "Unit"),
    Column("period", "Period"),
    Column("scope", "Scope"),
    Column("source", "Source"),
    Column("locator", "Locator"),
    Column("national_share", "National share (%)", Kind.SHARE, "national_share_qualifier"),
    Column("national_share_qualifier", "National share qualifier"),
    Column("national_place", "National place"),
    Column("national_value", "National value", Kind.VALUE, "national_qualifier"),
    Column("national_qualifier", "National value qualifier"),
    Column("national_source", "National value source"),
    Column("parent_share", "Parent share (%)", Kind.SHARE, "parent_share_qualifier"),
    Column("parent_share_qualifier", "Parent share qualifier"),
    Column("parent_place", "Parent place"),
    Column("parent_value", "Parent value", Kind.VALUE, "parent_qualifier"),
    Column("parent_qualifier", "Parent value qualifier"),
    Column("parent_source", "Parent value source"),
    Column("other_sources", "Other sources"),
    Column("marks", "Notes"),
)
