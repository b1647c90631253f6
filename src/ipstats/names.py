"""Spelling help shared by validation and name resolution: normalising and suggesting names."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def fold(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, inner white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def close_matches(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Candidates that look like a misspelling of ``name``, best first."""
    pool = sorted(set(candidates))
    folded = {fold(c): c for c in pool}
    hits = difflib.get_close_matches(fold(name), list(folded), n=limit, cutoff=0.6)
    return [folded[h] for h in hits]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """'; did you mean: a, b?' or '' when nothing is close."""
    hits = close_matches(name, candidates)
    return f"; did you mean: {', '.join(hits)}?" if hits else ""
