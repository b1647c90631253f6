"""Figures as sources print them ("17.93万", "more than 2.7893 million"): value and wording.

A printed figure is read into its value in base units, whether it is a percentage, and the
qualifier its wording states (余, about, more than...), so that the loader can check it against
the stored value and qualifier.
"""

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from ipstats.model import Number, Qualifier, Unit

# Longest first, so that "more than" is not read as "more" and 万亿 not as 万.
_MULTIPLIERS = {
    "万亿": Decimal(10) ** 12,
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
    "hundred": Decimal(10) ** 2,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
}
_BEFORE = {
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "exceeding": Qualifier.MORE_THAN,
    "exceeded": Qualifier.MORE_THAN,
    "超过": Qualifier.MORE_THAN,
    "超": Qualifier.MORE_THAN,
    "逾": Qualifier.MORE_THAN,
    "at least": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "不少于": Qualifier.AT_LEAST,
    "nearly": Qualifier.NEARLY,
    "almost": Qualifier.NEARLY,
    "close to": Qualifier.NEARLY,
    "接近": Qualifier.NEARLY,
    "近": Qualifier.NEARLY,
    "about": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "大约": Qualifier.ABOUT,
    "约": Qualifier.ABOUT,
    "less than": Qualifier.LESS_THAN,
    "fewer than": Qualifier.LESS_THAN,
    "under": Qualifier.LESS_THAN,
    "不到": Qualifier.LESS_THAN,
    "不足": Qualifier.LESS_THAN,
    "up to": Qualifier.AT_MOST,
    "at most": Qualifier.AT_MOST,
    "不超过": Qualifier.AT_MOST,
}
# 余 and 多 may stand before the multiplier ("30余万") or after it ("1.2万余").
_PLUS = {"余": Qualifier.MORE_THAN, "多": Qualifier.MORE_THAN}
_AFTER = {
    **_PLUS,
    "以上": Qualifier.AT_LEAST,
    "左右": Qualifier.ABOUT,
    "以下": Qualifier.AT_MOST,
    "以内": Qualifier.AT_MOST,
}
_PERCENT = ("percentage points", "percentage point", "个百分点", "per cent", "percent", "%")


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    w: 10 * n
    for n, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if n > 1
}
_ORDINALS = {
    w: n + 1
    for n, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
}
# "top" is a rank: "maintaining the top position" is first place.
_WORDS = {w: n for n, w in enumerate(_UNITS)} | _TENS | _ORDINALS | {"a": 1, "top": 1}
_CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|eleventh|twelfth|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|eleven|twelve"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|top|a)(?![a-z])"
)
_CHINESE_NUMBER = r"第?(?:[一二两三四五六七八九]?十[一二三四五六七八九]?|[零一二两三四五六七八九])"


def _word_value(word: str) -> int:
    """The value of a number written in words: "six", "twenty-one", "first", "十二", "第二"."""
    if word[0] in "第一二两三四五六七八九十零":
        digits = word.removeprefix("第")
        if "十" not in digits:
            return _CHINESE_DIGITS[digits]
        tens, _, units = digits.partition("十")
        return 10 * (_CHINESE_DIGITS[tens] if tens else 1) + (
            _CHINESE_DIGITS[units] if units else 0
        )
    return sum(_WORDS[part] for part in word.lower().split("-"))


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Digits with thousands separators (",", and "、" as some Chinese texts print them; full-width
# forms are folded before matching) or without, and an optional decimal part.
_NUMBER = (
    r"(?:(?P<number>\d{1,3}(?:[,、]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"|(?P<word>{_WORD_NUMBER}|{_CHINESE_NUMBER}))"
)
# A currency may stand between a qualifier and its number: "over USD 8 million".
_CURRENCY = r"(?:(?:USD|US\$|RMB|CNY|\$|¥)\s*)?"
_PATTERN = re.compile(
    rf"^(?:(?P<before>{_alternatives(_BEFORE)})\s*)?"
    rf"{_CURRENCY}{_NUMBER}\s*"
    rf"(?P<plus>{_alternatives(_PLUS)})?\s*"
    rf"(?P<multiplier>{_alternatives(_MULTIPLIERS)})?\s*"
    rf"(?P<after>{_alternatives(_AFTER)})?\s*"
    rf"(?P<percent>{_alternatives(_PERCENT)})?\s*"
    rf"(?P<tail>{_alternatives(_AFTER)})?$",
    re.IGNORECASE,
)


class PrintedError(ValueError):
    """A printed figure that is not a number in a form ipstats reads."""


class Printed(NamedTuple):
    """What a printed figure says: its value in base units, how exact it is, whether it is a
    percentage."""

    value: Decimal
    qualifier: Qualifier
    percent: bool
    scaled: bool = False  # written with a scale word (万, 亿, thousand, million, ...)


def normalise(text: str) -> str:
    """Full-width digits and punctuation as ASCII, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def parse(text: str) -> Printed:
    """The value and wording of a printed figure; PrintedError when it is not one."""
    folded = normalise(text).replace("，", ",")
    match = _PATTERN.match(folded)
    if not match:
        raise PrintedError(
            f"{text!r} is not a printed figure (digits with optional thousands separators, "
            "万, 亿, thousand, million, billion or trillion, percent or %, and a qualifier "
            "such as 余, 约, more than or about)"
        )
    words = [match[g] for g in ("before", "plus", "after", "tail") if match[g]]
    qualifiers = {(_BEFORE | _AFTER)[_lower(w)] for w in words}
    if len(qualifiers) > 1:
        raise PrintedError(f"{text!r} has qualifiers that disagree: {', '.join(words)}")
    multiplier = match["multiplier"]
    if match["number"]:
        number = Decimal(re.sub(r"[,、]", "", match["number"]))
    elif match["word"].lower() == "a" and not multiplier:
        raise PrintedError(
            f"{text!r} is not a printed figure: 'a' needs a multiplier ('a thousand')"
        )
    else:
        number = Decimal(_word_value(match["word"]))
    if multiplier:
        number *= _MULTIPLIERS[_lower(multiplier)]
    qualifier = qualifiers.pop() if qualifiers else Qualifier.EXACT
    return Printed(number.normalize(), qualifier, bool(match["percent"]), bool(multiplier))


def _lower(word: str) -> str:
    return word.lower()


def disagreement(printed: str, value: Number, qualifier: Qualifier, unit: Unit) -> str | None:
    """Why a printed figure does not say the stored value, qualifier and unit; None when it does."""
    try:
        read = parse(printed)
    except PrintedError as error:
        return str(error)
    # A bare figure in a scaled unit is in that unit ("24.2" under "population, million"); one
    # with a scale word is in base units ("2153.6万" people).
    stored = Decimal(repr(value)) * (unit.scale if read.scaled else 1)
    if read.value != stored.normalize():
        return f"printed {printed!r} is {_plain(read.value)}, not the stored value {value}"
    if read.qualifier is not qualifier:
        wording = (
            "a plain figure" if read.qualifier.is_exact else f"worded as {read.qualifier.value}"
        )
        return (
            f"printed {printed!r} is {wording}, but the qualifier is {qualifier.value}; "
            f"make them agree"
        )
    if read.percent and unit is not Unit.PERCENT:
        return f"printed {printed!r} is a percentage, but the indicator is measured in {unit.value}"
    if unit is Unit.PERCENT and not read.percent:
        return f"printed {printed!r} has no percent sign or word, but the indicator is a percentage"
    return None


def _plain(number: Decimal) -> str:
    return format(number, "f")
