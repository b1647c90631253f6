"""Human rendering: Rich tables with thousands separators, qualifiers, units, sources and notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ipstats.cells import RIGHT, format_cell, format_number, shown_columns
from ipstats.model import PROVINCE_LEVEL, Qualifier
from ipstats.table import Column, Kind, Table

# Long free text: a terminal cuts it with an ellipsis ("show" and machine formats keep it whole).
# Everything else (numbers, ids, units, dates, source ids) is never wrapped nor cut.
_FREE = frozenset(
    {
        "note",
        "notes",
        "marks",
        "locator",
        "description",
        "series",
        "scope",
        "title",
        "title_en",
        "publisher",
        "name",
        "aliases",
        "years",
        "dataset",
        "cache_file",
    }
)
_FREE_MIN = 12  # the fewest columns a cut free-text cell keeps
_WRAP_MIN = 30  # a field/value table's values wrap at words, in no fewer columns than this
_QUALIFIER_WORDS = {
    Qualifier.MORE_THAN: "more than",
    Qualifier.AT_LEAST: "at least",
    Qualifier.ABOUT: "about",
    Qualifier.NEARLY: "nearly",
    Qualifier.LESS_THAN: "less than",
    Qualifier.AT_MOST: "at most",
}


def is_free_text(column: Column) -> bool:
    """Whether a terminal may cut this column's text with an ellipsis."""
    return column.key in _FREE and column.kind is Kind.TEXT


def _is_field_table(table: Table) -> bool:
    """A table of fields and values (``show``): its values are shown whole, wrapped at words."""
    return tuple(c.key for c in table.columns) == ("field", "value")


def _width(text: str) -> int:
    return max((Text(line).cell_len for line in text.splitlines()), default=0)


def _needed_width(
    table: Table, shown: list[Column], cells: list[list[str]], cut: bool = True
) -> int:
    """The fewest terminal columns the table takes with no number or id broken (and with no
    free text cut, unless ``cut``)."""
    total = 2 + (len(shown) - 1)  # the table's edges and the dividers between its columns
    wrap = _is_field_table(table)
    for index, column in enumerate(shown):
        natural = max([_width(column.header), *(_width(row[index]) for row in cells)])
        if wrap and column.key == "value":
            natural = min(natural, _WRAP_MIN)
        elif cut and is_free_text(column):
            natural = min(natural, max(_FREE_MIN, _width(column.header)))
        total += natural + 2  # one column of padding either side
    return total


# Free text that moves to numbered notes under the table when the table would not fit with it.
_NOTED = frozenset({"note", "locator", "description"})


class Notes:
    """Numbered notes shared by the tables of one output: the same text keeps its number."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def mark(self, text: str) -> str:
        number = self.numbers.setdefault(text, len(self.numbers) + 1)
        return f"[{number}]"

    def lines(self) -> list[str]:
        return [f"[{n}] {text}" for text, n in self.numbers.items()]


def _layout(
    table: Table, width: int | None, expanded: bool, whole: bool, notes: Notes
) -> tuple[list[Column], list[list[str]], bool]:
    """The columns and cells to show and whether as records: a table when it fits (cutting
    long free text, or with it moved to numbered notes), else one record after another."""
    shown = shown_columns(table)
    cells = [[format_cell(c, r) for c in shown] for r in table.records()]
    if expanded:
        return shown, cells, True
    if width is None or _needed_width(table, shown, cells, cut=not whole) <= width:
        return shown, cells, False
    noted = [i for i, c in enumerate(shown) if c.key in _NOTED and c.kind is Kind.TEXT]
    if whole and not _is_field_table(table):
        noted = [i for i, c in enumerate(shown) if is_free_text(c)]
    moved = [
        ["[99]" if cell and i in noted else cell for i, cell in enumerate(row)] for row in cells
    ]
    if width is not None and _needed_width(table, shown, moved) > width:
        return shown, cells, True
    for row in cells:
        for i in noted:
            if row[i]:
                row[i] = notes.mark(row[i])
    return shown, cells, False


def fits(table: Table, width: int) -> bool:
    """Whether the table fits ``width`` columns as a table with nothing broken mid-token."""
    return not _layout(table, width, False, False, Notes())[2]


def rich_table(
    table: Table,
    width: int | None = None,
    expanded: bool = False,
    whole: bool = False,
    notes: Notes | None = None,
) -> RenderableType:
    """One table for a terminal: its title, then its rows (as a table, or one record after
    another when it would not fit ``width`` columns or ``expanded`` is asked for). Long free
    text is cut with an ellipsis, or with ``whole`` never cut: it moves to ``notes``. The
    table's own notes and sources are the footer's (see ``rich_tables``)."""
    parts: list[RenderableType] = []
    if table.title:
        # The title is a line of its own, so it wraps to the terminal, not to the table.
        parts.append(Text(table.title, style="italic"))
    shown, cells, as_records = _layout(table, width, expanded, whole, notes or Notes())
    parts.append(_records(shown, cells) if as_records else _grid(table, shown, cells, width))
    return Group(*parts)


def _allot(naturals: list[int], floors: list[int], room: int) -> list[int]:
    """Widths for columns that may shrink: each at least its floor, the room left shared in
    proportion to what each would still take, none above its natural width."""
    widths = list(floors)
    spare = room - sum(floors)
    wants = [n - f for n, f in zip(naturals, floors, strict=True)]
    if spare <= 0 or not any(wants):
        return widths
    if spare >= sum(wants):
        return list(naturals)
    for index, want in enumerate(wants):
        widths[index] += spare * want // sum(wants)
    return widths


def _grid(
    table: Table, shown: list[Column], cells: list[list[str]], width: int | None
) -> RenderableType:
    """The rows as a table. Numbers and ids take their full width; free text shares what is
    left (cut with an ellipsis), or with ``show``'s values, wraps at words."""
    naturals = [
        max([_width(c.header), *(_width(row[i]) for row in cells)]) for i, c in enumerate(shown)
    ]
    wrap = _is_field_table(table)
    shrink = [
        i
        for i, c in enumerate(shown)
        if (wrap and c.key == "value") or (not wrap and is_free_text(c))
    ]
    widths = list(naturals)
    if width is not None and shrink:
        room = (
            width
            - (3 * len(shown) + 1)  # padding either side of each column, dividers, edges
            - sum(n for i, n in enumerate(naturals) if i not in shrink)
        )
        floor = _WRAP_MIN if wrap else _FREE_MIN
        floors = [min(naturals[i], max(floor, _width(shown[i].header))) for i in shrink]
        for i, allotted in zip(
            shrink, _allot([naturals[i] for i in shrink], floors, room), strict=True
        ):
            widths[i] = allotted
    out = RichTable(box=box.SIMPLE_HEAVY, show_lines=False)
    for index, column in enumerate(shown):
        justify: Any = "right" if column.kind in RIGHT else "left"
        # Every width is set here, so Rich never squeezes a number or an id: ``_layout`` chose
        # this view only when every such column has its full width.
        out.add_column(
            column.header,
            justify=justify,
            width=widths[index],
            no_wrap=not (wrap and column.key == "value"),
            overflow="fold" if wrap and column.key == "value" else "ellipsis",
        )
    for row in cells:
        out.add_row(*row)
    return out


def _records(shown: list[Column], cells: list[list[str]]) -> RenderableType:
    """psql's expanded display: one block per row, a line per column that has a value; long
    text wraps at words, whole."""
    header_width = max(_width(c.header) for c in shown)
    parts: list[RenderableType] = []
    for number, row in enumerate(cells, start=1):
        parts.append(Text(f"-[ RECORD {number} ]-", style="dim"))
        grid = RichTable.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold", min_width=header_width)
        grid.add_column(overflow="fold")
        for column, cell in zip(shown, row, strict=True):
            if cell:
                grid.add_row(column.header, cell)
        parts.append(grid)
    return Group(*parts)


def legend(tables: list[Table]) -> str:
    """The meaning of each qualifier mark that appears in the tables' shown cells, or ''."""
    present: set[Qualifier] = set()
    for table in tables:
        shown = shown_columns(table)
        for record in table.records():
            for column in shown:
                mark = record.get(column.qualifier_key) if column.qualifier_key else None
                if mark and record.get(column.key) is not None:
                    present.add(Qualifier(mark))
    return ", ".join(f"{q.symbol} {words}" for q, words in _QUALIFIER_WORDS.items() if q in present)


def footer(tables: list[Table], numbered: Sequence[str] = ()) -> list[str]:
    """The lines under a command's tables, once for all of them: the legend of the marks that
    appear, the numbered notes of cells, every note once, one line per source used."""
    lines: list[str] = []
    marks = legend(tables)
    if marks:
        lines.append(marks)
    lines += numbered
    lines += dict.fromkeys(note for t in tables for note in t.footnotes)
    sources = list(dict.fromkeys(s for t in tables for s in t.sources))
    if len(sources) > _SOURCE_LINES:
        # many sources: their ids and years in a paragraph; `list sources` has the titles
        ids = ", ".join(s.split(": ", 1)[0] for s in sources)
        lines.append(f"Sources (titles: ipstats list sources): {ids}")
    elif sources:
        lines.append("Sources:")
        lines += [f"  {s}" for s in sources]
    return lines


_SOURCE_LINES = 4  # the most sources listed one per line, with their titles


def rich_tables(
    tables: list[Table],
    width: int | None = None,
    expanded: bool = False,
    quiet: bool = False,
    whole: bool = False,
) -> RenderableType:
    """A command's tables for a terminal of ``width`` columns, then one footer for them all.

    ``quiet`` prints the tables alone: no footer, and no title unless there are several tables.
    ``whole`` never cuts free text (``show``): what does not fit moves to numbered notes.
    """
    parts: list[RenderableType] = []
    notes = Notes()
    for table in tables:
        if quiet and len(tables) == 1:
            table = Table("", table.columns, table.rows, hidden=table.hidden)
        parts.append(rich_table(table, width, expanded, whole, notes))
    if not quiet:
        for line in footer(tables, notes.lines()):
            # A source line is cut, never wrapped: its id and year come first.
            cut = line.startswith("  ")
            parts.append(Text(line, style="dim", no_wrap=cut, overflow="ellipsis"))
    return Group(*parts)


# Charts: terminal-only pictures of compare and growth results.

_FULL, _IMPLIED, _BOUND = "█", "░", "▒"
CHART_WIDTH = 40


def _bar_lines(
    bars: list[tuple[str, float, str, str]], width: int = CHART_WIDTH, rank: bool = False
) -> Text:
    """Horizontal bars scaled to the largest value: (label, value, style, shown value).

    For ranks a better (smaller) rank draws a longer bar: rank 1 is the longest.
    """
    text = Text()
    if not bars:
        return text
    if rank:
        worst = max(value for _, value, _, _ in bars)
        bars = [(label, worst + 1 - value, style, shown) for label, value, style, shown in bars]
    top = max(abs(value) for _, value, _, _ in bars) or 1.0
    label_width = max(len(label) for label, _, _, _ in bars)
    for label, value, style, shown in bars:
        length = max(1, round(abs(value) / top * width)) if value else 0
        glyph = {"implied": _IMPLIED, "bound": _BOUND}.get(style, _FULL)
        text.append(f"{label:<{label_width}} ")
        text.append(glyph * length, style={"implied": "dim", "bound": "yellow"}.get(style, "cyan"))
        text.append(f" {shown}\n")
    return text


_LEGEND = f"{_FULL} observed  {_BOUND} bound or approximation  {_IMPLIED} implied"


def compare_chart(comparison: Any) -> RenderableType:
    """One bar per city and series for the metric, in the latest year the cities share (or the
    latest year shown): a city with several series that year gets a bar for each, named."""
    from ipstats.query import series_label

    rows = comparison.rows
    shared = [r for r in rows if all(v is not None for v in r.values)]
    year = (shared or rows)[-1].year
    chosen = [r for r in (shared or rows) if r.year == year]
    bars = []
    for row in chosen:
        for city, observation in zip(comparison.cities, row.values, strict=True):
            if observation is None:
                continue
            style = "full" if observation.qualifier.is_exact else "bound"
            shown = observation.qualifier.symbol + format_number(observation.value)
            label = series_label(observation) if row.several else ""
            name = f"{city.name} ({label})" if label else city.name
            bars.append((name, float(observation.value), style, shown))
    indicator = chosen[-1].indicator
    title = Text(f"{indicator.name}, {year} ({indicator.unit.label})\n", style="bold")
    lines = _bar_lines(bars, rank=indicator.unit.value == "rank")
    return Group(title, lines, Text(_LEGEND, style="dim"))


def growth_charts(result: Any) -> RenderableType:
    """One chart per series: a bar per year, implied years drawn hollow."""
    parts: list[RenderableType] = []
    for series in result.series:
        bars = []
        for point in series.points:
            if point.kind.value == "span":
                continue
            style = (
                "implied"
                if point.kind.value == "implied"
                else ("full" if point.qualifier.is_exact else "bound")
            )
            shown = point.qualifier.symbol + format_number(
                round(point.value, 2) if isinstance(point.value, float) else point.value
            )
            bars.append((str(point.year), float(point.value), style, shown))
        unit = series.indicator.unit.label
        parts.append(Text(f"{series.city.name}: {series.indicator.name} ({unit})", style="bold"))
        parts.append(_bar_lines(bars, rank=series.indicator.unit.value == "rank"))
    parts.append(Text(_LEGEND, style="dim"))
    return Group(*parts)


# Rankings: a terminal's view of them, and their chart.


def rank_table(ranking: Any) -> Table:
    """What a terminal shows of a ranking: the rank (a range where a bound leaves it open),
    the place, its figure and shares, the year only where it is not the ranking's, and which
    source each figure is from in a note."""
    nation = ranking.nation
    with_parent = ranking.parent_differs_from_nation
    columns = [
        Column("rank", "Rank", Kind.INTEGER),
        Column("name", "Place"),
        Column("value", "Value", Kind.VALUE, qualifier_key="qualifier"),
        Column("qualifier", "Qualifier"),
        Column("unit", "Unit"),
    ]
    if nation is not None:
        columns.append(
            Column("national_share", f"% of {nation.name}", Kind.SHARE, "national_share_qualifier")
        )
    if with_parent:
        parents = {r.parent.of.kind for r in ranking.rows if r.parent is not None}
        header = "% of province" if parents <= PROVINCE_LEVEL else "% of parent"
        columns.append(Column("parent_share", header, Kind.SHARE, "parent_share_qualifier"))
        if ranking.within is None:
            columns.append(Column("parent", "In"))
    columns += [
        Column("year", "Year", Kind.INTEGER),
        Column("marks", "Notes"),
        Column("national_share_qualifier", "National share qualifier"),
        Column("parent_share_qualifier", "Parent share qualifier"),
    ]
    rows = []
    for r in ranking.rows:
        o = r.observation
        record: dict[str, Any] = {
            "rank": r.rank_text,
            "name": r.place.name,
            "value": o.value,
            "qualifier": o.qualifier.value,
            "unit": ranking.indicator.unit.value,
            "year": o.year if r.other_year else None,
            "marks": r.marks or None,
        }
        for key, share in (("national", r.national), ("parent", r.parent)):
            figure = share.share if share is not None else None
            record[f"{key}_share"] = figure.value if figure is not None else None
            record[f"{key}_share_qualifier"] = figure.qualifier.value if figure else None
        record["parent"] = r.parent.of.name if r.parent is not None else None
        rows.append(record)
    hidden = {"qualifier", "unit", "national_share_qualifier", "parent_share_qualifier"}
    return Table(
        title=ranking.title,
        columns=tuple(columns),
        rows=tuple(rows),
        footnotes=(*ranking.footnotes(), *_figures_from(ranking)),
        sources=ranking.sources,
        hidden=frozenset(hidden),
    )


def _figures_from(ranking: Any) -> tuple[str, ...]:
    """Which source each place's figure is from (a terminal has no room for a column)."""
    by_source: dict[str, list[str]] = {}
    for r in ranking.rows:
        by_source.setdefault(r.observation.source, []).append(r.place.name)
    if len(by_source) == 1:
        return (f"Figures: {next(iter(by_source))}",)
    parts = "; ".join(f"{s} ({', '.join(names)})" for s, names in by_source.items())
    return (f"Figures: {parts}",) if parts else ()


def rank_chart(ranking: Any) -> RenderableType:
    """One bar per place ranked, in the order of the ranking, a bound drawn apart."""
    indicator = ranking.indicator
    bars = []
    for r in ranking.rows:
        o = r.observation
        style = "full" if o.qualifier.is_exact else "bound"
        shown = o.qualifier.symbol + format_number(o.value)
        label = f"{r.rank_text:>5} {r.place.name}{r.marks and ' ' + r.marks}"
        bars.append((label, float(o.value), style, shown))
    title = Text(f"{indicator.name}, {ranking.when} ({indicator.unit.label})\n", style="bold")
    lines = _bar_lines(bars, rank=indicator.unit.value == "rank")
    return Group(title, lines, Text(_LEGEND, style="dim"))
