"""Reading dates as people type them in Indonesian ("1/11/2017", "1 Nov 2017", "Rabu, 01 November 2017")."""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from .labels import format_date

DATE_KEYS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan")

# Indonesian first, then the English and old spellings that turn up in real SOPs.
MONTH_WORDS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
WEEKDAY_WORDS = {
    "senin": 0, "sen": 0,
    "selasa": 1, "sel": 1,
    "rabu": 2, "rab": 2,
    "kamis": 3, "kam": 3,
    "jumat": 4, "jum'at": 4, "jum": 4,
    "sabtu": 5, "sab": 5,
    "minggu": 6, "ahad": 6, "min": 6,
}

# ASCII digits only: other scripts' digits would be read by int() but nobody checks them on paper.
_WEEKDAY = re.compile(r"([a-z']+)\s*,?\s+(?=\d)", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_NUMERIC = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})", re.ASCII)
_WORDS = re.compile(r"(\d{1,2})\s*[\s.\-/]\s*([a-z]+)\.?\s*[\s,.\-/]\s*(\d{4})", re.ASCII)


class DateReading(NamedTuple):
    """What a typed date says: `value` is None when the text is empty or unreadable."""

    value: dt.date | None
    readable: bool = True  # False: the text is not a date this reader understands
    weekday_ok: bool = True  # False: a weekday name was typed that is not the weekday of `value`


def parse_date(text: str) -> DateReading:
    """Read a whole text as one day-first date; empty text is no date, anything doubtful is unreadable."""
    words = " ".join(text.split()).lower()
    if not words:
        return DateReading(None)
    weekday = None
    m = _WEEKDAY.match(words)
    if m:
        weekday = WEEKDAY_WORDS.get(m.group(1))
        if weekday is None:
            return DateReading(None, readable=False)
        words = words[m.end():]
    value = _read_day(words)
    if value is None:
        return DateReading(None, readable=False)
    return DateReading(value, weekday_ok=weekday is None or weekday == value.weekday())


def _read_day(words: str) -> dt.date | None:
    try:
        if m := _ISO.fullmatch(words):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _NUMERIC.fullmatch(words):
            return dt.date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if (m := _WORDS.fullmatch(words)) and m.group(2) in MONTH_WORDS:
            return dt.date(int(m.group(3)), MONTH_WORDS[m.group(2)], int(m.group(1)))
    except ValueError:  # 31/02, month 13 and the like
        return None
    return None


def date_text(identity: object, key: str, empty: str = "-", weekday: bool = True) -> str:
    """What a date field shows and prints: the kept text of an unreadable date, else the formatted date."""
    kept = getattr(identity, "date_texts", {}).get(key)
    if kept:
        return kept
    return format_date(getattr(identity, key), weekday=weekday, empty=empty)
