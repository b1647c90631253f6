"""Citations of the sources behind a selection: a reference list, BibTeX or CSL-JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from ipstats.atomic import write_chunks
from ipstats.errors import UsageError
from ipstats.model import Dataset, Observation, Source, SourceType
from ipstats.query import Filter, require, select
from ipstats.terms import PLAIN, Terms


class CiteFormat(StrEnum):
    TEXT = "text"  # a reference list, one line per source
    BIBTEX = "bibtex"  # biblatex entries (date, urldate), as Zotero, JabRef and Pandoc read them
    CSL_JSON = "csl-json"  # an array of CSL items, as Zotero and Pandoc read them


# File extensions that say which format a file holds.
_EXTENSIONS = {".bib": CiteFormat.BIBTEX, ".json": CiteFormat.CSL_JSON}


def choose_format(
    asked: CiteFormat | None, output: Path | None = None, terms: Terms = PLAIN
) -> CiteFormat:
    """The format asked for, else the one ``output``'s extension names (.bib, .json), else
    text; a UsageError when the format asked for and the extension disagree."""
    implied = _EXTENSIONS.get(output.suffix.casefold()) if output is not None else None
    if asked is None:
        return implied or CiteFormat.TEXT
    if output is not None and implied is not None and implied is not asked:
        raise UsageError(
            f"{terms.format} {asked} contradicts the file name {output.name!r}, which says "
            f"{implied}: leave out {terms.format} or give the file another extension"
        )
    return asked


@dataclass(frozen=True, slots=True)
class EntryKind:
    """How citation formats name one kind of source."""

    bibtex: str  # the entry type
    publisher_field: str  # the BibTeX field that names who published it
    csl: str  # the CSL item type


_STATISTICS = EntryKind("dataset", "publisher", "dataset")
_REPORT = EntryKind("report", "institution", "report")
_ONLINE_PRESS = EntryKind("online", "organization", "webpage")
_PRINTED_PRESS = EntryKind("misc", "organization", "document")


def kind_of(source: Source) -> EntryKind:
    if source.type is SourceType.STATISTICS:
        return _STATISTICS
    if source.type is SourceType.PRESS:
        return _ONLINE_PRESS if source.url else _PRINTED_PRESS
    return _REPORT


def cited_sources(dataset: Dataset, observations: Iterable[Observation]) -> tuple[Source, ...]:
    """The sources of ``observations``, each once, in the order of their ids."""
    ids = sorted({o.source for o in observations})
    return tuple(dataset.source(source_id) for source_id in ids)


def sources_of(dataset: Dataset, where: Filter) -> tuple[Source, ...]:
    """The sources behind the observations ``where`` admits; NoDataError if it admits none."""
    found = select(dataset, where)
    require(found, "observations match these filters", dataset, where)
    return cited_sources(dataset, found)


def cite(
    dataset: Dataset,
    where: Filter,
    fmt: CiteFormat | str | None,
    output: Path | None,
    stream: TextIO,
    terms: Terms = PLAIN,
) -> str:
    """Cite the sources behind the observations ``where`` admits, in ``fmt`` (None: by the
    extension of ``output``), to ``output`` (replaced atomically) or else to ``stream``.

    Returns what to tell the user about a file written ("wrote 3 sources to refs.bib"), or ""
    after writing to ``stream``. Raises NoDataError for an empty selection and UsageError for
    a format the file name contradicts, both before anything is written.
    """
    chosen = choose_format(None if fmt is None else CiteFormat(fmt), output, terms)
    found = sources_of(dataset, where)
    text = render(found, chosen)
    if output is None:
        stream.write(text)
        stream.flush()
        return ""
    write_chunks(output, [text])
    return f"wrote {len(found)} source{'' if len(found) == 1 else 's'} to {output}"


def render(sources: Iterable[Source], fmt: CiteFormat) -> str:
    """The citations of ``sources`` as one document in ``fmt``, ending in a newline."""
    chosen = tuple(sources)
    if fmt is CiteFormat.BIBTEX:
        return bibtex(chosen)
    if fmt is CiteFormat.CSL_JSON:
        return csl_json(chosen)
    return reference_list(chosen)


def date_parts(text: str) -> list[int]:
    """'2024-09' -> [2024, 9]: the parts of a date that are known."""
    return [int(part) for part in text.split("-")]


# ------------------------------------------------------------------ the reference list


def reference_list(sources: Iterable[Source]) -> str:
    return "".join(reference(s) + "\n" for s in sources)


def reference(s: Source) -> str:
    """One source as a line of a reference list: publisher, date, title, address, retrieval."""
    title = s.title if s.title == s.title_en else f"{s.title} [{s.title_en}]"
    line = f"[{s.id}] {s.publisher} ({s.published}). {_ending(title)}"
    # An address ends the line, so that no full stop is taken for part of it.
    if s.retrieved and s.url:
        return f"{line} Figures retrieved {s.retrieved} from {s.url}"
    if s.retrieved:
        return f"{line} Figures retrieved {s.retrieved}."
    if s.url:
        return f"{line} {s.url}"
    return line


def _ending(text: str) -> str:
    return text if text.endswith((".", "?", "!", "。")) else text + "."


# ------------------------------------------------------------------ BibTeX

_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}

# LaTeX's special characters. A brace counts towards BibTeX's brace balance even after a
# backslash, so literal braces are written as commands, not as \{ and \}.
_TEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)
# An address is a verbatim field: it keeps % & # _ as they are; only what would unbalance the
# entry's braces (or end the field) is percent-encoded, which leaves the address the same.
_URL_UNSAFE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C"})
_SPACES = re.compile(r"\s+")


def tex(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, everything else as it is
    (UTF-8), runs of white space as one space."""
    return _SPACES.sub(" ", text).strip().translate(_TEX)


def bibtex(sources: Iterable[Source]) -> str:
    return "\n".join(bibtex_entry(s) for s in sources)


def bibtex_entry(s: Source) -> str:
    """One source as a biblatex entry keyed by its id; the publisher is the (corporate) author."""
    kind = kind_of(s)
    fields: list[tuple[str, str]] = [
        ("author", f"{{{tex(s.publisher)}}}"),  # braced: one name, not first and last names
        (kind.publisher_field, tex(s.publisher)),
        ("title", f"{{{tex(s.title_en)}}}"),  # braced: its capitals kept as they are
    ]
    if s.title != s.title_en:
        fields.append(("origtitle", f"{{{tex(s.title)}}}"))
    fields.append(("date", s.published))
    if s.languages:  # a list: biblatex prints "Chinese and English"
        languages = [_LANGUAGE_NAMES.get(code, code) for code in s.languages]
        fields.append(("language", tex(" and ".join(languages))))
    if s.url:
        fields.append(("url", s.url.translate(_URL_UNSAFE)))
    if s.retrieved:
        fields.append(("urldate", s.retrieved))
    lines = [f"@{kind.bibtex}{{{s.id},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ CSL-JSON


def csl_json(sources: Iterable[Source]) -> str:
    items = [csl_item(s) for s in sources]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def csl_item(s: Source) -> dict[str, Any]:
    """One source as a CSL item; the title is the English one, the original in original-title."""
    item: dict[str, Any] = {
        "id": s.id,
        "type": kind_of(s).csl,
        "title": s.title_en,
    }
    if s.title != s.title_en:
        item["original-title"] = s.title
    item["author"] = [{"literal": s.publisher}]
    item["publisher"] = s.publisher
    item["issued"] = {"date-parts": [date_parts(s.published)]}
    if s.url:
        item["URL"] = s.url
    if s.retrieved:
        item["accessed"] = {"date-parts": [date_parts(s.retrieved)]}
    if s.languages:
        item["language"] = s.languages[0]
    return item
