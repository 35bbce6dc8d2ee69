"""Links between SOPs: Keterkaitan items and step Keterangan that point at SOPs of the library, and back-links.

An item (or a Keterangan) points at an SOP in one of two ways:
- an explicit link (model.SopLink), made by choosing the SOP from the library; it follows the SOP's id,
  so it survives a change of nomor or nama, and validation warns when the text no longer says them;
- a match: the text names an SOP of the library by its nomor or its nama ("SOP Mikro Penataan Arsip
  Inaktif", "Lihat SOP-2-20/17000/2024"). A match is worked out live and never stored, so it needs no
  upkeep. A nama of one word, and any nama in a Keterangan, counts only right after the word "SOP"
  (free remarks use plain words); a name two SOPs share is no match unless the other name settles it.

Neither ever changes a text: what is printed is what the user typed. The catalogue keeps each SOP's
link texts (catalog_link_refs), so back-links ("dikaitkan oleh") come without reading SOP files.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Sop, SopLink

KETERKAITAN = "keterkaitan"
IN_LIST, IN_STEP = "list", "step"  # where a text is: a Keterkaitan item, or a step's Keterangan
MIN_NAMA = 4  # shorter names ("Rapat") would match ordinary words
_TOKEN = re.compile(r"[^\W_]+")
_SEPARATORS = "/-.:"
_SOP_WORDS = ("sop", "sop makro", "sop mikro")


def normalise(text: str) -> str:
    """Case, accents, runs of spaces and spaces around / - . : do not count when matching."""
    text = text or ""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = " ".join(text.casefold().split())
    for separator in _SEPARATORS:
        if separator in text:
            text = text.replace(f" {separator}", separator).replace(f"{separator} ", separator)
    return text


_NORMALISED: dict[str, str] = {}


def _normalised(text: str) -> str:
    """normalise(), remembered: the library's texts barely change between two saves."""
    found = _NORMALISED.get(text)
    if found is None:
        if len(_NORMALISED) > 200_000:
            _NORMALISED.clear()
        found = _NORMALISED[text] = normalise(text)
    return found


def find_words(haystack: str, needle: str, start: int = 0) -> int:
    """Where `needle` stands in `haystack` as whole words (not inside a longer word or number), or -1."""
    if not needle:
        return -1
    while True:
        i = haystack.find(needle, start)
        if i < 0:
            return -1
        end = i + len(needle)
        before = haystack[i - 1] if i > 0 else " "
        after = haystack[end] if end < len(haystack) else " "
        if not (before.isalnum() and needle[0].isalnum()) and not (after.isalnum() and needle[-1].isalnum()):
            return i
        start = i + 1


def _distinct_nomor(key: str) -> bool:
    # "1" or "A" would match everywhere: a nomor counts when it has a digit and some length.
    return len(key) >= 3 and any(c.isdigit() for c in key)


def _usable_nama(key: str) -> bool:
    return len(key) >= MIN_NAMA and any(c.isalpha() for c in key)


@dataclass(frozen=True)
class LinkTarget:
    """An SOP of the library as links see it."""

    id: str
    nomor: str
    nama: str
    unit: str = ""
    trashed: bool = False

    def label(self) -> str:
        """"SOP-002 Peminjaman Arsip": how the window names a linked SOP."""
        text = " ".join(part for part in (self.nomor.strip(), self.nama.strip()) if part)
        return text or "SOP tanpa nomor dan nama"

    def item_text(self) -> str:
        """The text of a new Keterkaitan item added from the library: the way SOPs usually print it."""
        nama = self.nama.strip()
        head = nama if normalise(nama).startswith("sop") else f"SOP {nama}".strip()
        return f"{head} ({self.nomor.strip()})" if self.nomor.strip() and nama else (head if nama else self.nomor)


def make_link(target: LinkTarget) -> SopLink:
    return SopLink(sop_id=target.id, nomor=target.nomor, nama=target.nama)


class Ref(NamedTuple):
    """One link text of an SOP as the catalogue keeps it: where (0 = Keterkaitan, n = step n), text, link id."""

    where: int
    text: str
    link_id: str = ""

    def place(self) -> str:
        return "Keterkaitan" if self.where == 0 else f"Keterangan langkah {self.where}"


def catalog_link_refs(sop: Sop) -> list[list]:
    """What the catalogue keeps of an SOP for back-links: every Keterkaitan item, and the Keterangan that can
    name an SOP (an explicit link, the word "SOP" or a digit that a nomor needs)."""
    refs: list[list] = []
    links = sop.identity.keterkaitan_links
    for text in sop.identity.keterkaitan:
        link = links.get(text)
        refs.append([0, text, link.sop_id if link else ""])
    for number, step in enumerate(sop.steps, start=1):
        text = step.keterangan
        link = step.keterangan_link
        key = normalise(text)
        if link is not None or "sop" in key or any(c.isdigit() for c in key):
            refs.append([number, text, link.sop_id if link else ""])
    return refs


def refs_of(entry: object) -> tuple[Ref, ...]:
    """The link texts a catalogue entry holds; none for an entry made without them."""
    found = []
    for raw in getattr(entry, "link_refs", ()) or ():
        try:
            where, text, link_id = raw
        except (TypeError, ValueError):
            continue  # not ours: a catalogue edited by hand
        if type(where) is int and type(text) is str and type(link_id) is str:
            found.append(Ref(where, text, link_id))
    return tuple(found)


@dataclass
class _Keyed:
    target: LinkTarget
    nomor: str
    nama: str
    tokens: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # the words of nomor and of nama


@dataclass(frozen=True)
class Match:
    target: LinkTarget
    start: int
    by: str  # "nomor" or "nama"


def _same_entry(before: object, after: object) -> bool:
    """Whether two catalogue entries describe the same saved version of an SOP."""
    if before is after:
        return True
    # Every save gives an SOP a new updated_at (to the microsecond); entries without one are never taken as equal.
    stamp = getattr(after, "updated_at", None)
    return bool(stamp) and getattr(before, "updated_at", None) == stamp


class LinkCatalogue:
    """The library's SOPs (and the Sampah's), indexed for finding which SOP a text names."""

    def __init__(self, entries: Iterable[object] = (), trashed: Iterable[object] = (),
                 previous: LinkCatalogue | None = None) -> None:
        """`previous`, the catalogue before the library changed: what is the same for an SOP (its name keys,
        its link texts) is taken from it, so a save in a library of thousands costs little."""
        self.targets: dict[str, LinkTarget] = {}
        self._raw_refs: dict[str, object] = {}
        self._refs: dict[str, tuple[Ref, ...]] | None = None
        self._keyed: dict[str, _Keyed] = {}
        self._by_token: dict[str, list[str]] = {}
        self._token_count: dict[str, int] = {}
        self._cache: dict[tuple[str, str, str], tuple[Match, ...]] = {}
        self._ref_keys: dict[str, tuple[str, ...]] | None = None
        for entry, in_trash in [(e, False) for e in entries] + [(e, True) for e in trashed]:
            target = LinkTarget(entry.id, entry.nomor, entry.nama, getattr(entry, "unit", ""), in_trash)
            if target.id in self.targets:
                continue
            self.targets[target.id] = target
            if not in_trash:
                self._raw_refs[target.id] = entry
                kept = previous._keyed.get(target.id) if previous is not None else None
                if kept is not None and kept.target == target:
                    self._keyed[target.id] = kept
                else:
                    self._key(target)
        if previous is not None:
            self._reuse_refs(previous)
            if self._update_index(previous):
                return
        counts = self._token_count
        for keyed in self._keyed.values():
            for tokens in keyed.tokens:
                for token in set(tokens):
                    counts[token] = counts.get(token, 0) + 1
        for keyed in self._keyed.values():
            self._index(keyed)

    def _update_index(self, previous: LinkCatalogue) -> bool:
        """The word index of `previous`, changed for the few SOPs that differ; False when many differ.

        Any word of a name will do as its index word (a text is looked up under each of its words), so
        an index word chosen when the counts were a little different still finds every match.
        """
        gone = [k for sop_id, k in previous._keyed.items() if self._keyed.get(sop_id) is not k]
        new = [k for sop_id, k in self._keyed.items() if previous._keyed.get(sop_id) is not k]
        if len(gone) + len(new) > max(len(self._keyed) // 4, 8):
            return False
        counts = self._token_count = dict(previous._token_count)
        by_token = self._by_token = dict(previous._by_token)  # lists are shared until one changes
        for keyed in gone:
            for tokens in keyed.tokens:
                for token in set(tokens):
                    counts[token] -= 1
                    if token in by_token and keyed.target.id in by_token[token]:
                        by_token[token] = [i for i in by_token[token] if i != keyed.target.id]
        for keyed in new:
            for tokens in keyed.tokens:
                for token in set(tokens):
                    counts[token] = counts.get(token, 0) + 1
        for keyed in new:
            for tokens in keyed.tokens:
                if tokens:
                    rarest = min(tokens, key=lambda t: counts.get(t, 0)) if len(tokens) > 1 else tokens[0]
                    by_token[rarest] = [*by_token.get(rarest, ()), keyed.target.id]
        return True

    @property
    def refs(self) -> dict[str, tuple[Ref, ...]]:
        """Each SOP's link texts (for back-links), read from the entries the first time they are needed."""
        if self._refs is None:
            self._refs = {sop_id: refs_of(entry) for sop_id, entry in self._raw_refs.items()}
        return self._refs

    def _reuse_refs(self, previous: LinkCatalogue) -> None:
        """The link texts (and their normalised keys) of every SOP whose catalogue entry did not change."""
        if previous._refs is None:
            return
        refs: dict[str, tuple[Ref, ...]] = {}
        keys: dict[str, tuple[str, ...]] = {}
        old_keys = previous._ref_keys or {}
        for sop_id, entry in self._raw_refs.items():
            before = previous._raw_refs.get(sop_id)
            if before is not None and sop_id in previous._refs and _same_entry(before, entry):
                refs[sop_id] = previous._refs[sop_id]
                if sop_id in old_keys:
                    keys[sop_id] = old_keys[sop_id]
            else:
                refs[sop_id] = refs_of(entry)
        self._refs = refs
        if previous._ref_keys is not None:
            for sop_id, found in refs.items():
                if sop_id not in keys:
                    keys[sop_id] = tuple(_normalised(r.text) for r in found)
            self._ref_keys = keys

    def _key(self, target: LinkTarget) -> _Keyed:
        nomor, nama = _normalised(target.nomor), _normalised(target.nama)
        nomor = nomor if _distinct_nomor(nomor) else ""
        nama = nama if _usable_nama(nama) else ""
        keyed = _Keyed(target, nomor, nama, (tuple(_TOKEN.findall(nomor)), tuple(_TOKEN.findall(nama))))
        self._keyed[target.id] = keyed
        return keyed

    def _index(self, keyed: _Keyed) -> None:
        # Each name under its rarest word: a text is then compared only with the few names sharing that word.
        counts = self._token_count
        for tokens in keyed.tokens:
            if tokens:
                rarest = min(tokens, key=lambda t: counts.get(t, 0)) if len(tokens) > 1 else tokens[0]
                self._by_token.setdefault(rarest, []).append(keyed.target.id)

    def get(self, sop_id: str) -> LinkTarget | None:
        return self.targets.get(sop_id)

    def active(self) -> list[LinkTarget]:
        """The SOPs one can link to (not those in the Sampah), by nomor then nama."""
        found = [t for t in self.targets.values() if not t.trashed]
        found.sort(key=lambda t: (normalise(t.nomor), normalise(t.nama)))
        return found

    def with_document(self, sop: Sop) -> LinkCatalogue:
        """This catalogue with the open SOP as it is now (its nomor or nama may not be saved yet)."""
        if sop.id not in self.targets and not (sop.identity.nomor or sop.identity.nama):
            return self
        live = LinkCatalogue()
        live.targets, live._token_count = dict(self.targets), self._token_count
        live._raw_refs, live._refs, live._ref_keys = self._raw_refs, self._refs, self._ref_keys
        live._keyed = dict(self._keyed)
        # The index is shared: only the tokens naming the open SOP get lists of their own.
        live._by_token = dict(self._by_token)
        old_keyed = self._keyed.get(sop.id)
        for tokens in (old_keyed.tokens if old_keyed else ()):
            for token in set(tokens):
                if sop.id in live._by_token.get(token, ()):
                    live._by_token[token] = [i for i in live._by_token[token] if i != sop.id]
        old = self.targets.get(sop.id)
        live.targets[sop.id] = LinkTarget(sop.id, sop.identity.nomor, sop.identity.nama, old.unit if old else "")
        live._index(live._key(live.targets[sop.id]))
        return live

    def ref_keys(self, source_id: str) -> tuple[str, ...]:
        """The normalised texts of an SOP's refs, worked out once per catalogue."""
        if self._ref_keys is None:
            self._ref_keys = {i: tuple(_normalised(r.text) for r in refs) for i, refs in self.refs.items()}
        return self._ref_keys.get(source_id, ())

    # ---- which SOP a text names ------------------------------------------------------------------
    def matches(self, text: str, kind: str = IN_LIST, exclude: str = "") -> tuple[Match, ...]:
        """Every SOP the text names by nomor or nama, in the order the text names them.

        Overlapping names give way to the longer one (a nomor before a nama), so "PK II" is not read as
        "PK I". A name that several SOPs share is not a match: guessing would point at the wrong SOP.
        """
        key = (text, kind, exclude)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        hay = normalise(text)
        candidates: list[tuple[int, int, int, str, str]] = []  # start, -length, by, needle, sop id
        seen: set[str] = set()
        for token in set(_TOKEN.findall(hay)):
            for sop_id in self._by_token.get(token, ()):
                if sop_id in seen or sop_id == exclude:
                    continue
                seen.add(sop_id)
                keyed = self._keyed[sop_id]
                for by, needle in ((0, keyed.nomor), (1, keyed.nama)):
                    start = self._find(hay, needle, by, kind)
                    if start >= 0:
                        candidates.append((start, -len(needle), by, needle, sop_id))
        chosen: list[Match] = []
        taken: list[tuple[int, int]] = []
        for start, neg_length, by, needle, sop_id in sorted(candidates, key=lambda c: (c[1], c[2], c[0])):
            end = start - neg_length
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            rivals = [c for c in candidates if c[3] == needle and c[2] == by and c[4] != sop_id]
            if rivals:
                sop_id = self._settle(hay, [sop_id] + [c[4] for c in rivals])
                if not sop_id:
                    taken.append((start, end))
                    continue
            if any(m.target.id == sop_id for m in chosen):
                continue
            taken.append((start, end))
            chosen.append(Match(self.targets[sop_id], start, "nomor" if by == 0 else "nama"))
        chosen.sort(key=lambda m: m.start)
        result = tuple(chosen)
        if len(self._cache) > 5000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _find(self, hay: str, needle: str, by: int, kind: str) -> int:
        start = find_words(hay, needle)
        # A nama of one word ("Rapat") is an ordinary word too: like any nama in a Keterangan, it counts only
        # after "SOP" ("SOP Pembentukan Tim") or as the whole text.
        if by == 0 or (kind == IN_LIST and " " in needle) or start < 0 or hay == needle:
            return start
        while start >= 0:
            head = hay[:start].rstrip(" :")
            if any(head.endswith(word) and find_words(head, word, len(head) - len(word)) >= 0 for word in _SOP_WORDS):
                return start
            start = find_words(hay, needle, start + 1)
        return -1

    def _settle(self, hay: str, ids: list[str]) -> str:
        """Several SOPs share the name found: the one whose other name is in the text too, or none."""
        both = [i for i in ids if all(find_words(hay, k) >= 0 for k in (self._keyed[i].nomor, self._keyed[i].nama)
                                      if k)]
        return both[0] if len(both) == 1 else ""

    def best(self, text: str, kind: str = IN_LIST, exclude: str = "") -> LinkTarget | None:
        found = self.matches(text, kind, exclude)
        return found[0].target if found else None


# ---- what a link points at ------------------------------------------------------------------------

LINKED, MATCHED, TRASHED, GONE = "tertaut", "cocok", "sampah", "hilang"


@dataclass(frozen=True)
class Resolution:
    """Where a text leads: state is LINKED (explicit), MATCHED (named), TRASHED or GONE (explicit, broken)."""

    state: str
    target: LinkTarget | None = None
    link: SopLink | None = None

    @property
    def broken(self) -> bool:
        return self.state in (TRASHED, GONE)


def resolve(text: str, link: SopLink | None, catalogue: LinkCatalogue, self_id: str = "",
            kind: str = IN_LIST) -> list[Resolution]:
    """The SOPs a text leads to: its explicit link first (even when broken), then the SOPs it names."""
    found: list[Resolution] = []
    if link is not None:
        target = catalogue.get(link.sop_id)
        state = GONE if target is None else TRASHED if target.trashed else LINKED
        found.append(Resolution(state, target, link))
    for match in catalogue.matches(text, kind, exclude=self_id):
        if link is None or match.target.id != link.sop_id:
            found.append(Resolution(MATCHED, match.target))
    if link is not None and kind == IN_LIST:
        return found[:1]  # an item names one SOP: the link the user chose wins over a match
    return found


# ---- checks of explicit links -----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkIssue:
    """What is wrong with an explicit link. kind: "hilang", "sampah", "nomor", "nama" or "tidak-disebut"."""

    kind: str
    link: SopLink
    target: LinkTarget | None = None
    old: str = ""  # for "nomor" and "nama": the name the text still says


def link_issues(text: str, link: SopLink, catalogue: LinkCatalogue) -> list[LinkIssue]:
    target = catalogue.get(link.sop_id)
    if target is None:
        return [LinkIssue(GONE, link)]
    if target.trashed:
        return [LinkIssue(TRASHED, link, target)]
    hay = normalise(text)
    issues = []
    mentioned = False
    for kind, now, then in (("nomor", target.nomor, link.nomor), ("nama", target.nama, link.nama)):
        now_key, then_key = normalise(now), normalise(then)
        if now_key and find_words(hay, now_key) >= 0:
            mentioned = True
        elif then_key and then_key != now_key and find_words(hay, then_key) >= 0:
            issues.append(LinkIssue(kind, link, target, then))  # the text says the name it had when linked
    if not issues and not mentioned and (target.nomor.strip() or target.nama.strip()):
        issues.append(LinkIssue("tidak-disebut", link, target))
    return issues


# ---- back-links -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackLink:
    """Another SOP of the library that links to or names this one, and where."""

    source: LinkTarget
    places: tuple[str, ...] = field(default=())


def backlinks(sop: Sop, catalogue: LinkCatalogue) -> list[BackLink]:
    """The SOPs of the library (not the Sampah) whose Keterkaitan or Keterangan lead to `sop`, by nomor."""
    live = catalogue.with_document(sop)
    keys = [k for k in (normalise(sop.identity.nomor), normalise(sop.identity.nama)) if k]
    found = []
    for source_id, refs in catalogue.refs.items():
        if source_id == sop.id:
            continue
        hays = catalogue.ref_keys(source_id)
        if not any(ref.link_id == sop.id for ref in refs) and not any(k in hay for hay in hays for k in keys):
            continue  # most SOPs neither link nor name this one
        places = []
        for ref, hay in zip(refs, hays):
            if ref.link_id:
                hit = ref.link_id == sop.id
            else:
                hit = False
                if any(find_words(hay, k) >= 0 for k in keys):  # cheap test first; most texts name other SOPs
                    kind = IN_LIST if ref.where == 0 else IN_STEP
                    named = live.matches(ref.text, kind, exclude=source_id)
                    # An item leads to the one SOP it names first; a Keterangan may name several.
                    hit = any(m.target.id == sop.id for m in (named[:1] if kind == IN_LIST else named))
            if hit and ref.place() not in places:
                places.append(ref.place())
        if places:
            found.append(BackLink(catalogue.targets[source_id], tuple(places)))
    found.sort(key=lambda b: (normalise(b.source.nomor), normalise(b.source.nama)))
    return found


# ---- edits (each mutates the document in place; the controller makes them undoable) -------------------


def set_box(sop: Sop, box: str, items: list[str], renamed: tuple[str, str] | None = None) -> None:
    """Set one of the six boxes; for Keterkaitan, a link follows its item's new text and goes with its item."""
    setattr(sop.identity, box, list(items))
    if box != KETERKAITAN:
        return
    links = dict(sop.identity.keterkaitan_links)
    if renamed is not None and renamed[0] in links and renamed[1] not in links:
        links[renamed[1]] = links[renamed[0]]
    present = set(items)
    sop.identity.keterkaitan_links = {text: link for text, link in links.items() if text in present}


def set_item_link(sop: Sop, text: str, link: SopLink | None) -> None:
    links = dict(sop.identity.keterkaitan_links)
    if link is None:
        links.pop(text, None)
    elif text in sop.identity.keterkaitan:
        links[text] = link
    sop.identity.keterkaitan_links = links


def add_linked_item(sop: Sop, index: int, target: LinkTarget) -> str:
    """A new Keterkaitan item naming `target`, linked to it; returns its text."""
    text = target.item_text()
    items = list(sop.identity.keterkaitan)
    if text not in items:
        items.insert(max(0, min(index, len(items))), text)
    sop.identity.keterkaitan = items
    set_item_link(sop, text, make_link(target))
    return text
