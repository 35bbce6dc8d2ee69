"""Full-text search of the library: every text of an SOP, folded for case and accents, answered from memory.

The catalogue keeps, per SOP, its searchable words (search_text): every text of the SOP normalised
(accents removed, case folded), split at white space, each distinct word once. A search word matches
when it is part of one of those words, so "arsi" finds "Arsip" and "de.6" finds "OT.01.02-034-053.De.6";
a search of several words needs them all, each in any field. Keeping each word once (and dropping a
word that is part of a longer one) keeps the catalogue small and answers exactly as a search over the
whole text would, since a search word never holds white space.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .model import LIST_BOXES

if TYPE_CHECKING:
    from .model import Sop

# Typographic variants a user does not type: they are searched as the plain character.
_PLAIN = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Text as the search compares it: no accents (é -> e), case folded, typographic dashes and quotes plain."""
    if not text:
        return ""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sop_texts(sop: Sop) -> Iterable[str]:
    """Every text of an SOP a user may search for: identity, the six lists, actors and every step's texts."""
    ident = sop.identity
    yield ident.instansi
    yield from ident.unit_lines
    yield ident.nomor
    yield ident.nama
    yield ident.cakupan
    yield ident.sifat
    yield from ident.date_texts.values()
    yield ident.signer.jabatan
    yield ident.signer.nama
    yield ident.signer.id_number
    for box in LIST_BOXES:
        yield from getattr(ident, box)
    for actor in sop.actors:
        yield actor.name
    for step in sop.steps:
        yield step.kegiatan
        yield step.kelengkapan
        yield step.waktu.display()
        yield step.output
        yield step.keterangan
        yield step.yes_label
        yield step.no_label


def search_words(texts: Iterable[str]) -> str:
    """The distinct normalised words of `texts`, space separated; a word inside a longer one is left out."""
    seen = dict.fromkeys(normalise("\n".join(text for text in texts if text)).split())
    # Longest first: a word that is part of one already kept adds nothing a search could find.
    kept: list[str] = []
    joined = ""
    for word in sorted(seen, key=len, reverse=True):
        if word not in joined:
            kept.append(word)
            joined += " " + word
    return " ".join(kept)


def sop_search_text(sop: Sop) -> str:
    return search_words(sop_texts(sop))


def query_words(query: str) -> list[str]:
    """The words of what was typed in the search box, normalised like the SOP texts."""
    return normalise(query).split()


class SearchIndex:
    """The searchable words of every SOP shown, by id, answering each keystroke from memory.

    A keystroke usually lengthens the last query ("ars" -> "arsi"): then only the SOPs that matched
    the last query can match, and only those are searched again.
    """

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._last_words: list[str] = []
        self._last_found: list[str] | None = None

    def __len__(self) -> int:
        return len(self._texts)

    def set_all(self, texts: dict[str, str]) -> None:
        """Replace the whole index (sop id -> search_text), e.g. after the library was listed again."""
        self._texts = dict(texts)
        self._forget()

    def put(self, sop_id: str, search_text: str) -> None:
        self._texts[sop_id] = search_text
        self._forget()

    def remove(self, sop_id: str) -> None:
        if self._texts.pop(sop_id, None) is not None:
            self._forget()

    def _forget(self) -> None:
        self._last_words, self._last_found = [], None

    def search(self, query: str) -> set[str]:
        """Ids of the SOPs whose texts hold every word of the query (all of them for an empty query)."""
        words = query_words(query)
        if not words:
            return set(self._texts)
        texts = self._texts
        # Longest word first: it rules out the most SOPs, so the others are looked for in fewer texts.
        first, *others = sorted(words, key=len, reverse=True)
        if self._last_found is not None and _narrows(self._last_words, words):
            found = [sop_id for sop_id in self._last_found if first in texts[sop_id]]
        else:
            found = [sop_id for sop_id, text in texts.items() if first in text]
        for word in others:
            found = [sop_id for sop_id in found if word in texts[sop_id]]
        self._last_words, self._last_found = words, found
        return set(found)


def _narrows(before: list[str], now: list[str]) -> bool:
    """True when every SOP matching `now` also matches `before`: each earlier word lies inside a word typed now."""
    return all(any(old in new for new in now) for old in before)
