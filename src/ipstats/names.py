"""Names in English and Chinese: their folded form and terms, matching and spelling hints."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache


def fold(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, inner white space collapsed."""
    if not name.isascii():  # NFKC leaves ASCII as it is
        import unicodedata  # not for names typed in ASCII: it would slow every query's start

        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.casefold().split())


def close_matches(
    name: str, candidates: Iterable[str], limit: int = 3, cutoff: float = 0.6
) -> list[str]:
    """Candidates that look like a misspelling of ``name``, best first."""
    import difflib  # only for a name that matched nothing

    pool = sorted(set(candidates))
    folded = {fold(c): c for c in pool}
    hits = difflib.get_close_matches(fold(name), list(folded), n=limit, cutoff=cutoff)
    return [folded[h] for h in hits]


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """'; did you mean: a, b?' or '' when nothing is close."""
    hits = close_matches(name, candidates, cutoff=cutoff)
    return f"; did you mean: {', '.join(hits)}?" if hits else ""


# Chinese (and other CJK) ideographs: the unified blocks, the compatibility block and the
# supplementary planes. Chinese is written without spaces, so a run of them is one term.
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


# Compiled on first use: compiling them costs milliseconds that a query by id never needs.
@cache
def _term_pattern() -> re.Pattern[str]:
    return re.compile(rf"[{_IDEOGRAPHS}]+|[^\W_{_IDEOGRAPHS}]+")


@cache
def _ideograph_pattern() -> re.Pattern[str]:
    return re.compile(rf"[{_IDEOGRAPHS}]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return _ideograph_pattern().search(text) is not None


def terms(text: str) -> tuple[str, ...]:
    """The terms of ``text``, folded: runs of Chinese characters, and words of letters and digits.

    Spaces, punctuation, hyphens and underscores only separate terms, so an id such as
    ``patents_granted`` has the terms of "patents granted".
    """
    return tuple(_term_pattern().findall(fold(text)))


def key(text: str) -> str:
    """The form in which two names are the same name: their terms, in order."""
    return "_".join(terms(text))


# Chinese law makes these one right (Copyright Law, art. 62: 著作权即版权), and sources use both.
_SAME_TERM = (("版权", "著作权"), ("著作权", "版权"))


def term_matches(term: str, words: Iterable[str], text: str) -> bool:
    """Whether a folded query term is found: a Chinese term anywhere in ``text`` (folded), with
    版权 and 著作权 alike; another term as a word, or the start of a word, of ``words``."""
    if has_cjk(term):
        spellings = (term, *(term.replace(a, b) for a, b in _SAME_TERM if a in term))
        return any(spelling in text for spelling in spellings)
    return any(word.startswith(term) for word in words)


def all_terms_match(query: Sequence[str], texts: Iterable[str]) -> bool:
    """Whether every query term is found in one of ``texts``, in any order (see term_matches)."""
    joined = " ".join(fold(t) for t in texts)
    words = set(_term_pattern().findall(joined))
    return all(term_matches(term, words, joined) for term in query)
