"""Three-way merge of one SOP: two drafters' versions and the version both started from.

The merge works on the SOP's structure, never on lines of text: identity fields, page settings and
lifecycle fields one by one; the six identity boxes and the unit lines as ordered lists of items;
actors and steps by their stable ids, each step field by field. A change made on one side only is
taken; the same change on both sides is taken once; two different changes of the same thing are a
conflict (`MergeConflict`), and there the merged SOP holds our value so a person can decide with
both versions and the common ancestor in front of them. A step deleted on one side and changed on
the other is kept (with a conflict), so nothing anyone typed is lost. Everything is deterministic and
the inputs are never changed.
"""
from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field, fields
from typing import AbstractSet, Any, Callable

from .diff import PAGE_LABELS, STEP_FIELD_LABELS, _target_text, identity_values
from .labels import BOX_TITLES, IDENTITY_LABELS, SYMBOL_NAMES, format_date
from .model import END, LIST_BOXES, Actor, Identity, Lifecycle, PageSettings, Sop, SopLink, Step

# Kinds of conflict.
FIELD, DELETE_EDIT, BOTH_ADDED, TARGET, ORDER = "isian", "hapus-ubah", "tambah", "sasaran", "urutan"

SEP = " › "
EMPTY = "(kosong)"
GONE = "(dihapus)"
ABSENT = "(tidak ada)"

_EXTRA_PAGE_LABELS = {
    "total_time_row": "Baris jumlah waktu",
    "workday_hours": "Jam per hari kerja",
    "week_workdays": "Hari kerja per minggu",
    "month_workdays": "Hari kerja per bulan",
    "day_workdays": "Hari kerja per hari",
}


@dataclass(frozen=True)
class MergeConflict:
    """One thing both drafters changed differently; the merged SOP holds `ours` until a person decides."""

    path: str  # "Langkah 3 › Kegiatan", "Dasar Hukum › butir 2", "Identitas › Nomor SOP" …
    kind: str  # FIELD, DELETE_EDIT, BOTH_ADDED, TARGET or ORDER
    key: str  # "step.<id>.kegiatan", "list.dasar_hukum", "identity.nomor", "actor.<id>", "sop" …
    ours: str
    theirs: str
    base: str
    step_id: str | None = None
    actor_id: str | None = None

    def line(self) -> str:
        return (f"{self.path}: versi ini {_quoted(self.ours)}, versi lain {_quoted(self.theirs)}, "
                f"asal {_quoted(self.base)}")


@dataclass
class MergeResult:
    sop: Sop | None
    conflicts: list[MergeConflict] = field(default_factory=list)
    deleted_vs_edited: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.deleted_vs_edited

    def summary(self) -> str:
        if self.deleted_vs_edited:
            return "SOP ini dihapus di satu komputer dan diubah di komputer lain; putuskan mana yang dipakai."
        if self.conflicts:
            return f"{len(self.conflicts)} bentrok perlu diputuskan; sisanya digabung otomatis."
        return "Digabung otomatis tanpa bentrok."


def _quoted(text: str) -> str:
    return text if text.startswith("(") and text.endswith(")") else f"\"{text}\""


def _shown(text: str) -> str:
    return text if text else EMPTY


class _Conflicts:
    """Collects conflicts; step conflicts get their "Langkah N" once the merged order is known."""

    def __init__(self) -> None:
        self.items: list[MergeConflict] = []

    def add(self, path: str, kind: str, key: str, ours: str, theirs: str, base: str, **ids: Any) -> None:
        self.items.append(MergeConflict(path, kind, key, ours, theirs, base, **ids))


def _three(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The merged value and whether it is a conflict (then the value is ours)."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


# ---- whole SOP -------------------------------------------------------------------------------------


def merge_sops(base: Sop | None, ours: Sop | None, theirs: Sop | None) -> MergeResult:
    """Merge two versions of one SOP made from `base`; None means the SOP is not there on that side."""
    if ours is None and theirs is None:
        return MergeResult(None)
    if ours is None or theirs is None:
        present = ours if ours is not None else theirs
        if base is None:
            return MergeResult(present.clone(), notes=["SOP baru dari satu sisi diambil."])
        if _same_sop(base, present):
            return MergeResult(None, notes=["SOP dihapus di satu sisi dan tidak diubah di sisi lain: dihapus."])
        who = "versi ini" if ours is None else "versi lain"
        conflict = MergeConflict(
            "SOP", DELETE_EDIT, "sop",
            GONE if ours is None else "diubah",
            GONE if theirs is None else "diubah",
            "ada",
        )
        return MergeResult(present.clone(), [conflict], deleted_vs_edited=True,
                           notes=[f"SOP dihapus di {who} tetapi diubah di sisi lain; yang diubah disimpan."])
    if base is None:
        base = Sop(id=ours.id)
    return _merge_present(base, ours, theirs)


def _same_sop(a: Sop, b: Sop) -> bool:
    from .interchange import sop_to_native

    return sop_to_native(a) == sop_to_native(b)


def _merge_present(base: Sop, ours: Sop, theirs: Sop) -> MergeResult:
    out = ours.clone()
    conflicts = _Conflicts()
    _merge_identity(base, ours, theirs, out, conflicts)
    _merge_lists(base, ours, theirs, out, conflicts)
    step_conflicts = _merge_steps(base, ours, theirs, out)
    _merge_actors(base, ours, theirs, out, conflicts)
    position = {s.id: i for i, s in enumerate(out.steps)}
    for make in step_conflicts:
        conflicts.items.append(make(position))
    _fix_targets(out, conflicts)
    _merge_page(base, ours, theirs, out, conflicts)
    _merge_lifecycle(base, ours, theirs, out, conflicts)
    out.source, clash = _three(base.source, ours.source, theirs.source)
    if clash:
        conflicts.add("Sumber", FIELD, "source", _shown(ours.source), _shown(theirs.source), _shown(base.source))
    out.notes, _ = _merge_list(base.notes, ours.notes, theirs.notes)
    return MergeResult(out, conflicts.items)


# ---- identity --------------------------------------------------------------------------------------

_DATE_KEYS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan")


def _identity_fields() -> list[tuple[str, Callable[[Identity], Any], Callable[[Identity, Any], None]]]:
    def attr(name: str):
        return (name, lambda i: getattr(i, name), lambda i, v: setattr(i, name, v))

    def signer(name: str):
        return (f"signer.{name}", lambda i: getattr(i.signer, name), lambda i, v: setattr(i.signer, name, v))

    def date(name: str):
        def get(i: Identity) -> Any:
            return (getattr(i, name), i.date_texts.get(name))

        def put(i: Identity, v: Any) -> None:
            setattr(i, name, v[0])
            if v[1] is None:
                i.date_texts.pop(name, None)
            else:
                i.date_texts[name] = v[1]
        return (name, get, put)

    def logo(i: Identity) -> Any:
        return None if i.logo is None else (i.logo.extension, i.logo.data)

    return [attr("instansi"), attr("nomor"), attr("nama"), *(date(k) for k in _DATE_KEYS),
            attr("revisi_ke"), attr("use_pengesahan"), signer("jabatan"), signer("nama"),
            signer("id_label"), signer("id_number"), attr("cakupan"), attr("sifat"),
            ("logo", logo, lambda i, v: setattr(i, "logo", _logo_from(v)))]


def _logo_from(value: Any):
    from .model import Logo

    return None if value is None else Logo(data=value[1], extension=value[0])


def _merge_identity(base: Sop, ours: Sop, theirs: Sop, out: Sop, conflicts: _Conflicts) -> None:
    texts = [{key: (label, text) for key, label, text in identity_values(s)} for s in (base, ours, theirs)]
    for key, get, put in _identity_fields():
        value, clash = _three(get(base.identity), get(ours.identity), get(theirs.identity))
        put(out.identity, value)
        if clash:
            label = texts[1][key][0]
            conflicts.add(f"Identitas{SEP}{label}", FIELD, f"identity.{key}", _shown(texts[1][key][1]),
                          _shown(texts[2][key][1]), _shown(texts[0][key][1]))
    # Texts typed in other date-like fields, if any, per field.
    extra = sorted((set(base.identity.date_texts) | set(ours.identity.date_texts)
                    | set(theirs.identity.date_texts)) - set(_DATE_KEYS))
    for key in extra:
        value, clash = _three(base.identity.date_texts.get(key), ours.identity.date_texts.get(key),
                              theirs.identity.date_texts.get(key))
        if value is None:
            out.identity.date_texts.pop(key, None)
        else:
            out.identity.date_texts[key] = value
        if clash:
            conflicts.add(f"Identitas{SEP}{key}", FIELD, f"identity.date_texts.{key}",
                          _shown(ours.identity.date_texts.get(key) or ""),
                          _shown(theirs.identity.date_texts.get(key) or ""),
                          _shown(base.identity.date_texts.get(key) or ""))
    # Keterkaitan links, by the item's text.
    links_b, links_o, links_t = (s.identity.keterkaitan_links for s in (base, ours, theirs))
    merged: dict[str, SopLink] = {}
    for text in _ordered_keys(links_o, links_t, links_b):
        value, clash = _three(links_b.get(text), links_o.get(text), links_t.get(text))
        if value is not None:
            merged[text] = value
        if clash:
            conflicts.add(f"{BOX_TITLES['keterkaitan']}{SEP}tautan \"{text}\"", FIELD,
                          f"identity.keterkaitan_links.{text}", _link_text(links_o.get(text)),
                          _link_text(links_t.get(text)), _link_text(links_b.get(text)))
    out.identity.keterkaitan_links = merged


def _ordered_keys(*dicts: dict) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        for k in d:
            seen.setdefault(k, None)
    return list(seen)


def _link_text(link: SopLink | None) -> str:
    if link is None:
        return "(tanpa tautan)"
    return " ".join(p for p in (link.nomor, link.nama) if p) or link.sop_id


# ---- ordered lists of texts ------------------------------------------------------------------------


@dataclass
class _Edit:
    start: int  # base range [start, end) replaced by `items`
    end: int
    items: list[str]
    side: int  # 0 ours, 1 theirs


def _edits(base: list[str], side: list[str], who: int) -> list[_Edit]:
    matcher = difflib.SequenceMatcher(None, base, side, autojunk=False)
    return [_Edit(i1, i2, side[j1:j2], who) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _touch(a: _Edit, b: _Edit) -> bool:
    """Whether two edits of different sides touch the same items (or insert at the same place)."""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _merge_list(base: list[str], ours: list[str], theirs: list[str], take_theirs: AbstractSet[int] = frozenset()
                ) -> tuple[list[str], list[tuple[int, list[str], list[str], list[str]]]]:
    """The merged list and its conflicts as (base position, base items, our items, their items).

    Items added on either side are kept (ours first where both added at one place); an item removed on
    one side is removed unless the other side changed it (a conflict, where our version is kept, or theirs
    for the conflicts numbered in `take_theirs`, 0 = the first in list order).
    """
    if ours == theirs or theirs == base:
        return list(ours), []
    if ours == base:
        return list(theirs), []
    edits = sorted(_edits(base, ours, 0) + _edits(base, theirs, 1),
                   key=lambda e: (e.start, e.end != e.start, e.end, e.side))
    # Group edits that touch, transitively, into clusters.
    clusters: list[list[_Edit]] = []
    for edit in edits:
        if clusters and any(_touch(edit, other) for other in clusters[-1] if other.side != edit.side):
            clusters[-1].append(edit)
        else:
            clusters.append([edit])
    result: list[str] = []
    clashes: list[tuple[int, list[str], list[str], list[str]]] = []
    at = 0
    for cluster in clusters:
        start = min(e.start for e in cluster)
        end = max(e.end for e in cluster)
        result += base[at:start]
        at = end
        sides = {e.side for e in cluster}
        if len(sides) == 1:
            result += _apply(base, start, end, cluster)
            continue
        ours_part = _apply(base, start, end, [e for e in cluster if e.side == 0])
        theirs_part = _apply(base, start, end, [e for e in cluster if e.side == 1])
        if ours_part == theirs_part:
            result += ours_part
        elif start == end:
            # Both sides added items at the same place: keep both, ours first.
            result += ours_part + [x for x in theirs_part if x not in ours_part]
        else:
            result += theirs_part if len(clashes) in take_theirs else ours_part
            clashes.append((start, base[start:end], ours_part, theirs_part))
    result += base[at:]
    return result, clashes


def _apply(base: list[str], start: int, end: int, edits: list[_Edit]) -> list[str]:
    """base[start:end] with one side's (non-overlapping, sorted) edits applied."""
    out: list[str] = []
    at = start
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out += base[at:edit.start]
        out += edit.items
        at = max(at, edit.end)
    out += base[at:end]
    return out


def _merge_lists(base: Sop, ours: Sop, theirs: Sop, out: Sop, conflicts: _Conflicts) -> None:
    for box, label in (("unit_lines", IDENTITY_LABELS["unit_lines"]), *((b, BOX_TITLES[b]) for b in LIST_BOXES)):
        merged, clashes = _merge_list(getattr(base.identity, box), getattr(ours.identity, box),
                                      getattr(theirs.identity, box))
        setattr(out.identity, box, merged)
        for start, b_items, o_items, t_items in clashes:
            conflicts.add(f"{label}{SEP}butir {start + 1}", FIELD, f"list.{box}", _items_text(o_items),
                          _items_text(t_items), _items_text(b_items))


def _items_text(items: list[str]) -> str:
    return "\n".join(items) if items else GONE


# ---- ids in order (steps and actors) ---------------------------------------------------------------


def _merge_order(base: list[str], ours: list[str], theirs: list[str], keep: set[str]) -> tuple[list[str], bool]:
    """The ids of `keep` in merged order, and whether both sides reordered differently (ours taken).

    The order of the ids all three share comes from the side that changed it; the other side's
    additions go right after their preceding neighbour (after our own additions there).
    """
    common = set(base) & set(ours) & set(theirs)
    in_base = [x for x in base if x in common]
    in_ours = [x for x in ours if x in common]
    in_theirs = [x for x in theirs if x in common]
    clash = False
    if in_ours == in_base and in_theirs != in_base:
        spine, other = theirs, ours
    else:
        spine, other = ours, theirs
        clash = in_theirs != in_base and in_ours != in_theirs
    result = [x for x in spine if x in keep]
    placed = set(result)
    other_set = set(other)
    for k, x in enumerate(other):
        if x not in keep or x in placed:
            continue
        prev = next((other[j] for j in range(k - 1, -1, -1) if other[j] in placed), None)
        pos = 0 if prev is None else result.index(prev) + 1
        while pos < len(result) and result[pos] not in other_set:
            pos += 1
        result.insert(pos, x)
        placed.add(x)
    # Kept ids neither side lists (cannot happen for ids taken from the sides) go last, in base order.
    result += [x for x in base if x in keep and x not in placed]
    return result, clash


# ---- steps -----------------------------------------------------------------------------------------

_STEP_ATTRS = (
    ("kegiatan", "kegiatan"), ("pelaksana", "actors"), ("simbol", "symbol"), ("jika_ya", "yes_target"),
    ("jika_tidak", "no_target"), ("label_ya", "yes_label"), ("label_tidak", "no_label"),
    ("kelengkapan", "kelengkapan"), ("waktu", "waktu"), ("output", "output"), ("keterangan", "keterangan"),
    ("keterangan_link", "keterangan_link"),
)


def _step_value_text(sop: Sop, step: Step, attr: str) -> str:
    value = getattr(step, attr)
    if attr == "actors":
        names = [a.name if (a := sop.actor(x)) is not None else "(pelaksana yang tidak ada)" for x in value]
        return ", ".join(names) or EMPTY
    if attr == "symbol":
        return SYMBOL_NAMES.get(value.value, value.value)
    if attr in ("yes_target", "no_target"):
        return _target_text(sop, value, {s.id: i for i, s in enumerate(sop.steps)})
    if attr == "waktu":
        return _shown(value.display())
    if attr == "keterangan_link":
        return _link_text(value)
    return _shown(value)


def _step_changed(base: Step, side: Step) -> bool:
    return base != side


def _merge_steps(base: Sop, ours: Sop, theirs: Sop, out: Sop) -> list[Callable[[dict[str, int]], MergeConflict]]:
    """Merge the steps into `out`; returns conflict makers that need the merged positions."""
    b_steps = {s.id: s for s in base.steps}
    o_steps = {s.id: s for s in ours.steps}
    t_steps = {s.id: s for s in theirs.steps}
    later: list[Callable[[dict[str, int]], MergeConflict]] = []
    merged: dict[str, Step] = {}
    for sid in _ordered_keys(o_steps, t_steps, b_steps):
        b, o, t = b_steps.get(sid), o_steps.get(sid), t_steps.get(sid)
        if o is not None and t is not None:
            ref = b if b is not None else Step(id=sid)
            step, clashes = _merge_step(ref, o, t)
            merged[sid] = step
            kind = FIELD if b is not None else BOTH_ADDED
            for key, attr in clashes:
                later.append(_step_conflict_maker(sid, key, attr, kind, base if b is not None else None,
                                                  ours, theirs, ref))
        elif o is None and t is None:
            continue  # deleted on both sides
        elif b is None:
            merged[sid] = _clone_step(o if o is not None else t)  # added on one side
        else:
            present = o if o is not None else t
            if not _step_changed(b, present):
                continue  # deleted on one side, untouched on the other
            merged[sid] = _clone_step(present)  # deleted against changed: kept, a person decides
            later.append(_step_deleted_maker(sid, ours, theirs, base, ours_deleted=o is None))
    order, clash = _merge_order([s.id for s in base.steps], [s.id for s in ours.steps],
                                [s.id for s in theirs.steps], set(merged))
    out.steps = [merged[sid] for sid in order]
    if clash:
        def order_conflict(_position: dict[str, int]) -> MergeConflict:
            return MergeConflict("Urutan langkah", ORDER, "steps.order", _order_text(ours), _order_text(theirs),
                                 _order_text(base))
        later.append(order_conflict)
    return later


def _order_text(sop: Sop) -> str:
    return "\n".join(f"{i + 1}. {s.kegiatan}" for i, s in enumerate(sop.steps)) or EMPTY


def _clone_step(step: Step) -> Step:
    return dataclasses.replace(step, actors=list(step.actors), waktu=dataclasses.replace(step.waktu))


def _merge_step(base: Step, ours: Step, theirs: Step) -> tuple[Step, list[tuple[str, str]]]:
    step = _clone_step(ours)
    clashes = []
    for key, attr in _STEP_ATTRS:
        value, clash = _three(getattr(base, attr), getattr(ours, attr), getattr(theirs, attr))
        if isinstance(value, list):
            value = list(value)
        elif attr == "waktu":
            value = dataclasses.replace(value)
        setattr(step, attr, value)
        if clash:
            clashes.append((key, attr))
    return step, clashes


def _step_conflict_maker(sid: str, key: str, attr: str, kind: str, base: Sop | None, ours: Sop, theirs: Sop,
                         ref: Step) -> Callable[[dict[str, int]], MergeConflict]:
    def make(position: dict[str, int]) -> MergeConflict:
        label = STEP_FIELD_LABELS.get(key, "Tautan Keterangan")
        base_text = _step_value_text(base, ref, attr) if base is not None else ABSENT
        return MergeConflict(f"Langkah {position[sid] + 1}{SEP}{label}", kind, f"step.{sid}.{key}",
                             _step_value_text(ours, ours.step(sid), attr),
                             _step_value_text(theirs, theirs.step(sid), attr), base_text, step_id=sid)
    return make


def _step_deleted_maker(sid: str, ours: Sop, theirs: Sop, base: Sop, ours_deleted: bool
                        ) -> Callable[[dict[str, int]], MergeConflict]:
    def make(position: dict[str, int]) -> MergeConflict:
        kept = theirs if ours_deleted else ours
        text = "diubah: " + _shown(kept.step(sid).kegiatan)
        return MergeConflict(f"Langkah {position[sid] + 1}", DELETE_EDIT, f"step.{sid}",
                             GONE if ours_deleted else text, text if ours_deleted else GONE,
                             _shown(base.step(sid).kegiatan), step_id=sid)
    return make


def _fix_targets(out: Sop, conflicts: _Conflicts) -> None:
    ids = {s.id for s in out.steps}
    for i, step in enumerate(out.steps):
        for key, attr in (("jika_ya", "yes_target"), ("jika_tidak", "no_target")):
            target = getattr(step, attr)
            if target is not None and target != END and target not in ids:
                setattr(step, attr, None)
                conflicts.add(f"Langkah {i + 1}{SEP}{STEP_FIELD_LABELS[key]}", TARGET, f"step.{step.id}.{key}",
                              "(langkah yang dihapus)", "(langkah yang dihapus)", "(belum dipilih)",
                              step_id=step.id)


# ---- actors ----------------------------------------------------------------------------------------


def _merge_actors(base: Sop, ours: Sop, theirs: Sop, out: Sop, conflicts: _Conflicts) -> None:
    b_act = {a.id: a.name for a in base.actors}
    o_act = {a.id: a.name for a in ours.actors}
    t_act = {a.id: a.name for a in theirs.actors}
    used = {x for s in out.steps for x in s.actors}
    names: dict[str, str] = {}
    for aid in _ordered_keys(o_act, t_act, b_act):
        b, o, t = b_act.get(aid), o_act.get(aid), t_act.get(aid)
        if o is not None and t is not None:
            name, clash = _three(b if b is not None else "", o, t)
            names[aid] = name
            if clash:
                conflicts.add(f"Pelaksana{SEP}{o}", FIELD if b is not None else BOTH_ADDED, f"actor.{aid}",
                              o, t, b if b is not None else ABSENT, actor_id=aid)
        elif o is None and t is None:
            continue
        elif b is None:
            names[aid] = o if o is not None else t
        else:
            present = o if o is not None else t
            if present == b and aid not in used:
                continue  # removed on one side, untouched and unused on the other
            names[aid] = present  # renamed on one side or still used by a step: kept, a person decides
            reason = "diganti nama" if present != b else "masih dipakai langkah"
            conflicts.add(f"Pelaksana{SEP}{present}", DELETE_EDIT, f"actor.{aid}",
                          GONE if o is None else f"{o} ({reason})", GONE if t is None else f"{t} ({reason})",
                          b, actor_id=aid)
    order, clash = _merge_order([a.id for a in base.actors], [a.id for a in ours.actors],
                                [a.id for a in theirs.actors], set(names))
    out.actors = [Actor(names[aid], aid) for aid in order]
    if clash:
        conflicts.add("Urutan pelaksana", ORDER, "actors.order", _actors_text(ours), _actors_text(theirs),
                      _actors_text(base))
    # A step may name an actor no side has any more only when the SOP was already so; leave it as it was.


def _actors_text(sop: Sop) -> str:
    return ", ".join(a.name for a in sop.actors) or EMPTY


# ---- page settings and lifecycle -------------------------------------------------------------------


def _page_text(key: str, value: Any) -> str:
    from .diff import _page_value

    return _page_value(key, value)


def _merge_page(base: Sop, ours: Sop, theirs: Sop, out: Sop, conflicts: _Conflicts) -> None:
    for f in fields(PageSettings):
        value, clash = _three(getattr(base.page, f.name), getattr(ours.page, f.name), getattr(theirs.page, f.name))
        setattr(out.page, f.name, value)
        if clash:
            label = PAGE_LABELS.get(f.name) or _EXTRA_PAGE_LABELS.get(f.name, f.name)
            conflicts.add(f"Pengaturan halaman{SEP}{label}", FIELD, f"page.{f.name}",
                          _page_text(f.name, getattr(ours.page, f.name)),
                          _page_text(f.name, getattr(theirs.page, f.name)),
                          _page_text(f.name, getattr(base.page, f.name)))


_LIFECYCLE_FIELDS = (
    ("status", ("status",), "Status"),
    ("status_date", ("status_date", "status_date_text"), "Tanggal status"),
    ("review_months", ("review_months",), "Masa tinjau (bulan)"),
    ("review_on_tanggal_revisi", ("review_on_tanggal_revisi",), "Tinjauan pada Tanggal Revisi"),
)


def _lifecycle_text(life: Lifecycle, key: str) -> str:
    if key == "status":
        return life.status.value
    if key == "status_date":
        return life.status_date_text or format_date(life.status_date, empty=EMPTY)
    if key == "review_months":
        return "bawaan Preferensi" if life.review_months is None else str(life.review_months)
    return "ya" if life.review_on_tanggal_revisi else "tidak"


def _merge_lifecycle(base: Sop, ours: Sop, theirs: Sop, out: Sop, conflicts: _Conflicts) -> None:
    lives = (base.lifecycle, ours.lifecycle, theirs.lifecycle)
    for key, attrs, label in _LIFECYCLE_FIELDS:
        b, o, t = (tuple(getattr(life, a) for a in attrs) for life in lives)
        value, clash = _three(b, o, t)
        for attr, v in zip(attrs, value):
            setattr(out.lifecycle, attr, v)
        if clash:
            conflicts.add(f"Status SOP{SEP}{label}", FIELD, f"lifecycle.{key}",
                          *(_lifecycle_text(life, key) for life in (ours.lifecycle, theirs.lifecycle,
                                                                      base.lifecycle)))
