"""Compare two versions of an SOP: what was added, removed, moved or changed, down to the word.

Steps and actors are matched by their stable ids. Two versions that share no step id (both read
from sop-fixture/1 or an office file, which carry none) are matched by their content instead:
the same kegiatan text in the same order, then the rest pair up in place. Everything here is
deterministic: the same two versions always give the same comparison, in the same order.
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from .dates import date_text
from .labels import BOX_TITLES, IDENTITY_LABELS, SYMBOL_NAMES, format_date
from .model import END, LIST_BOXES, PageSettings, Sop, Step

# Word-level segments: text present in both versions, only in the new one, only in the old one.
SAME, INSERTED, DELETED = "sama", "tambah", "hapus"
# Kinds of change, as a user reads them.
ADDED, REMOVED, MOVED, CHANGED, UNCHANGED, RENAMED = "ditambah", "dihapus", "dipindah", "diubah", "sama", "diganti nama"


@dataclass(frozen=True)
class Segment:
    kind: str  # SAME, INSERTED or DELETED
    text: str


@dataclass
class FieldChange:
    """One field whose value differs; `words` marks the changed words, old and new interleaved."""

    key: str
    label: str
    old: str
    new: str
    words: list[Segment] = field(default_factory=list)


@dataclass
class ListItemChange:
    """An item of one of the six identity boxes (or of the unit lines) added, removed or changed."""

    box: str
    label: str
    kind: str  # ADDED, REMOVED or CHANGED
    old_index: int | None  # 0-based position in the old list
    new_index: int | None
    old: str = ""
    new: str = ""
    words: list[Segment] = field(default_factory=list)


@dataclass
class ActorChange:
    kind: str  # ADDED, REMOVED, RENAMED or MOVED
    old_name: str
    new_name: str
    old_index: int | None
    new_index: int | None


@dataclass
class StepRow:
    """A step of either version, in the order the comparison shows them (the new order, removed steps
    where they were). `fields` lists what changed when the step is in both versions."""

    kind: str  # ADDED, REMOVED, CHANGED, MOVED or UNCHANGED
    old_index: int | None  # 0-based; None for an added step
    new_index: int | None  # 0-based; None for a removed step
    old_id: str | None
    new_id: str | None
    kegiatan: str  # the new text (the old one for a removed step)
    moved: bool = False  # its place among the steps it shares with the other version changed
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def statuses(self) -> list[str]:
        """Every kind that applies: a step can be moved and changed at once."""
        if self.kind in (ADDED, REMOVED):
            return [self.kind]
        found = [MOVED] if self.moved else []
        if self.fields:
            found.append(CHANGED)
        return found or [UNCHANGED]

    def changed_keys(self) -> set[str]:
        return {f.key for f in self.fields}


@dataclass
class SopDiff:
    identity: list[FieldChange] = field(default_factory=list)
    lists: list[ListItemChange] = field(default_factory=list)
    actors: list[ActorChange] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    page: list[FieldChange] = field(default_factory=list)
    matched_by: str = "id"  # "id" (stable ids) or "isi" (content: the versions share no step id)

    def is_empty(self) -> bool:
        return not (self.identity or self.lists or self.actors or self.page or self.changed_steps())

    def changed_steps(self) -> list[StepRow]:
        return [row for row in self.steps if row.kind != UNCHANGED]

    def counts(self) -> dict[str, int]:
        """How many steps were added, removed, moved and changed (a moved and changed step counts twice)."""
        totals = {ADDED: 0, REMOVED: 0, MOVED: 0, CHANGED: 0}
        for row in self.steps:
            for status in row.statuses:
                if status in totals:
                    totals[status] += 1
        return totals


# ---- words --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[Segment]:
    """The two texts as segments of words kept, removed and inserted (whitespace rides with its words)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(out, SAME, "".join(a[i1:i2]))
        else:
            _push(out, DELETED, "".join(a[i1:i2]))
            _push(out, INSERTED, "".join(b[j1:j2]))
    return out


def _push(out: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if out and out[-1].kind == kind:
        out[-1] = Segment(kind, out[-1].text + text)
    else:
        out.append(Segment(kind, text))


def _change(key: str, label: str, old: str, new: str) -> FieldChange | None:
    if old == new:
        return None
    return FieldChange(key, label, old, new, word_diff(old, new))


# ---- identity and page --------------------------------------------------------------------------

_DATE_KEYS = ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan")


def identity_values(sop: Sop) -> list[tuple[str, str, str]]:
    ident = sop.identity
    values = [("instansi", IDENTITY_LABELS["instansi"], ident.instansi),
              ("nomor", IDENTITY_LABELS["nomor"], ident.nomor),
              ("nama", IDENTITY_LABELS["nama"], ident.nama)]
    values += [(key, IDENTITY_LABELS[key], date_text(ident, key, empty="")) for key in _DATE_KEYS]
    values += [
        ("revisi_ke", IDENTITY_LABELS["revisi_ke"], "" if ident.revisi_ke is None else str(ident.revisi_ke)),
        ("use_pengesahan", "Tanggal yang dicetak",
         "Tanggal Pengesahan" if ident.use_pengesahan else "Tanggal Efektif"),
        ("signer.jabatan", IDENTITY_LABELS["signer.jabatan"], ident.signer.jabatan),
        ("signer.nama", IDENTITY_LABELS["signer.nama"], ident.signer.nama),
        ("signer.id_label", "Jenis nomor identitas pengesah", ident.signer.id_label.value or "tanpa nomor"),
        ("signer.id_number", IDENTITY_LABELS["signer.id_number"], ident.signer.id_number),
        ("cakupan", IDENTITY_LABELS["cakupan"], ident.cakupan),
        ("sifat", IDENTITY_LABELS["sifat"], ident.sifat),
        ("logo", IDENTITY_LABELS["logo"], _logo_text(sop)),
    ]
    lifecycle = getattr(sop, "lifecycle", None)  # status and its date, where the library keeps them
    if lifecycle is not None:
        status = getattr(lifecycle, "status", None)
        values.append(("status", "Status", getattr(status, "value", "") or ""))
        values.append(("status_date", "Tanggal status", format_date(getattr(lifecycle, "status_date", None),
                                                                    empty="")))
    return values


def _logo_text(sop: Sop) -> str:
    logo = sop.identity.logo
    if logo is None:
        return "tanpa logo"
    return f"gambar {logo.extension.upper()} ({len(logo.data):,} bita, sidik {hashlib.sha1(logo.data).hexdigest()[:8]})"


PAGE_LABELS = {
    "paper": "Kertas",
    "landscape": "Orientasi",
    "margin_top": "Margin atas",
    "margin_bottom": "Margin bawah",
    "margin_left": "Margin kiri",
    "margin_right": "Margin kanan",
    "numbering_row": "Baris penomoran kolom",
    "offpage_labels": "Label penghubung antarhalaman",
    "combine_pages": "Identitas dan bagan dalam satu halaman",
    "flatten_chart": "Ratakan bagan",
    "page_numbers": "Nomor halaman",
    "date_weekday": "Tanggal dengan nama hari",
}


def _page_value(key: str, value: object) -> str:
    if key == "landscape":
        return "lanskap" if value else "potret"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        return f"{value:g} mm".replace(".", ",")
    return str(value)


def _page_changes(a: PageSettings, b: PageSettings) -> list[FieldChange]:
    out = []
    for f in fields(PageSettings):
        old, new = getattr(a, f.name), getattr(b, f.name)
        if old != new:
            label = PAGE_LABELS.get(f.name, f.name)
            out.append(FieldChange(f.name, label, _page_value(f.name, old), _page_value(f.name, new)))
    return out


def _list_changes(box: str, label: str, old: list[str], new: list[str]) -> list[ListItemChange]:
    out: list[ListItemChange] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            out.append(ListItemChange(box, label, CHANGED, i1 + k, j1 + k, old[i1 + k], new[j1 + k],
                                      word_diff(old[i1 + k], new[j1 + k])))
        for i in range(i1 + paired, i2):
            out.append(ListItemChange(box, label, REMOVED, i, None, old=old[i]))
        for j in range(j1 + paired, j2):
            out.append(ListItemChange(box, label, ADDED, None, j, new=new[j]))
    return out


# ---- matching -----------------------------------------------------------------------------------


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions (into `values`) of one longest strictly increasing subsequence, O(n log n)."""
    tails: list[int] = []  # tails[k]: the value ending the best subsequence of length k + 1
    tail_pos: list[int] = []
    parent = [-1] * len(values)
    for pos, value in enumerate(values):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
        parent[pos] = tail_pos[k - 1] if k else -1
    keep: set[int] = set()
    pos = tail_pos[-1] if tail_pos else -1
    while pos >= 0:
        keep.add(pos)
        pos = parent[pos]
    return keep


def _moved_pairs(pairs: list[tuple[int, int]]) -> set[int]:
    """Old indices of the matched items whose order changed: those outside the longest run kept in order."""
    by_new = sorted(pairs, key=lambda p: p[1])
    keep = _longest_increasing([old for old, _new in by_new])
    return {old for pos, (old, _new) in enumerate(by_new) if pos not in keep}


def _match_steps(a: list[Step], b: list[Step]) -> tuple[list[tuple[int, int]], str]:
    """Pairs (old index, new index) of the same step in both versions, and how they were matched."""
    b_index = {s.id: j for j, s in enumerate(b)}
    pairs = [(i, b_index[s.id]) for i, s in enumerate(a) if s.id in b_index]
    if pairs or not a or not b:
        return pairs, "id"
    # No shared id: the same kegiatan in order, then what is left pairs up in place.
    old_texts = [" ".join(s.kegiatan.split()).lower() for s in a]
    new_texts = [" ".join(s.kegiatan.split()).lower() for s in b]
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    pairs = []
    left_old: list[int] = []
    left_new: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            left_old += range(i1, i2)
            left_new += range(j1, j2)
    # A step moved elsewhere keeps its text: pair equal texts first, then the rest in their blocks.
    free_new = {j: new_texts[j] for j in left_new}
    unpaired_old = []
    for i in left_old:
        j = next((j for j, text in free_new.items() if text == old_texts[i]), None)
        if j is None:
            unpaired_old.append(i)
        else:
            pairs.append((i, j))
            del free_new[j]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        olds = [i for i in range(i1, i2) if i in unpaired_old]
        news = [j for j in range(j1, j2) if j in free_new]
        for i, j in zip(olds, news):
            pairs.append((i, j))
    return sorted(pairs), "isi"


def _match_actors(a: Sop, b: Sop) -> list[tuple[int, int]]:
    b_index = {actor.id: j for j, actor in enumerate(b.actors)}
    pairs = [(i, b_index[actor.id]) for i, actor in enumerate(a.actors) if actor.id in b_index]
    if pairs:
        return pairs
    # No shared id: the same name, then what is left pairs up by position (a rename).
    taken_new: set[int] = set()
    pairs = []
    unmatched = []
    for i, actor in enumerate(a.actors):
        j = next((j for j, other in enumerate(b.actors) if j not in taken_new and other.name == actor.name), None)
        if j is None:
            unmatched.append(i)
        else:
            pairs.append((i, j))
            taken_new.add(j)
    for i in unmatched:
        if i < len(b.actors) and i not in taken_new:
            pairs.append((i, i))
            taken_new.add(i)
    return sorted(pairs)


# ---- steps --------------------------------------------------------------------------------------


def _target_text(sop: Sop, target: str | None, index_of: dict[str, int]) -> str:
    if target is None:
        return "(belum dipilih)"
    if target == END:
        return "Keluar dari prosedur"
    number = index_of.get(target)
    return f"Langkah {number + 1}" if number is not None else "(langkah yang tidak ada)"


# What each step field is called, by the keys FieldChange uses (shared with sopdesk/merge.py).
STEP_FIELD_LABELS = {
    "kegiatan": "Kegiatan", "pelaksana": "Pelaksana", "simbol": "Simbol", "jika_ya": "Jika Ya",
    "jika_tidak": "Jika Tidak", "label_ya": "Label Ya", "label_tidak": "Label Tidak",
    "kelengkapan": "Mutu Baku: Kelengkapan", "waktu": "Mutu Baku: Waktu", "output": "Mutu Baku: Output",
    "keterangan": "Keterangan", "keterangan_link": "Tautan Keterangan",
}


def _step_fields(old: Step, new: Step, a: Sop, b: Sop, actor_map: dict[str, str], step_map: dict[str, str],
                 a_index: dict[str, int], b_index: dict[str, int]) -> list[FieldChange]:
    out: list[FieldChange] = []

    def add(change: FieldChange | None) -> None:
        if change is not None:
            out.append(change)

    add(_change("kegiatan", "Kegiatan", old.kegiatan, new.kegiatan))
    if [actor_map.get(x, "") for x in old.actors] != list(new.actors):
        old_names = ", ".join(_actor_name(a, x) for x in old.actors)
        new_names = ", ".join(_actor_name(b, x) for x in new.actors)
        out.append(FieldChange("pelaksana", "Pelaksana", old_names, new_names,
                               _name_diff([_actor_name(a, x) for x in old.actors],
                                          [_actor_name(b, x) for x in new.actors])))
    if old.symbol != new.symbol:
        out.append(FieldChange("simbol", "Simbol", SYMBOL_NAMES.get(old.symbol.value, old.symbol.value),
                               SYMBOL_NAMES.get(new.symbol.value, new.symbol.value)))
    for key, label, old_target, new_target in (("jika_ya", "Jika Ya", old.yes_target, new.yes_target),
                                              ("jika_tidak", "Jika Tidak", old.no_target, new.no_target)):
        mapped = old_target if old_target in (None, END) else step_map.get(old_target, "?")
        if mapped != new_target:
            out.append(FieldChange(key, label, _target_text(a, old_target, a_index),
                                   _target_text(b, new_target, b_index)))
    add(_change("label_ya", "Label Ya", old.yes_label, new.yes_label))
    add(_change("label_tidak", "Label Tidak", old.no_label, new.no_label))
    add(_change("kelengkapan", "Mutu Baku: Kelengkapan", old.kelengkapan, new.kelengkapan))
    add(_change("waktu", "Mutu Baku: Waktu", old.waktu.display(), new.waktu.display()))
    add(_change("output", "Mutu Baku: Output", old.output, new.output))
    add(_change("keterangan", "Keterangan", old.keterangan, new.keterangan))
    return out


def _actor_name(sop: Sop, actor_id: str) -> str:
    actor = sop.actor(actor_id)
    return actor.name if actor is not None else "(pelaksana yang tidak ada)"


def _name_diff(old: list[str], new: list[str]) -> list[Segment]:
    # Whole names are the words here: a renamed actor is one name out, one in.
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        runs = [(SAME, old[i1:i2])] if tag == "equal" else [(DELETED, old[i1:i2]), (INSERTED, new[j1:j2])]
        for kind, names in runs:
            for name in names:
                out.append(Segment(kind, (", " if out else "") + name))
    return out


def _step_rows(a: Sop, b: Sop, actor_map: dict[str, str]) -> tuple[list[StepRow], str]:
    pairs, how = _match_steps(a.steps, b.steps)
    moved = _moved_pairs(pairs)
    old_to_new = dict(pairs)
    new_to_old = {j: i for i, j in pairs}
    step_map = {a.steps[i].id: b.steps[j].id for i, j in pairs}
    a_index = {s.id: i for i, s in enumerate(a.steps)}
    b_index = {s.id: j for j, s in enumerate(b.steps)}
    rows: list[StepRow] = []
    removed = [i for i in range(len(a.steps)) if i not in old_to_new]
    r = 0
    for j, new in enumerate(b.steps):
        i = new_to_old.get(j)
        if i is not None and i not in moved:
            # Removed steps that stood before this one in the old order come first, where they were.
            while r < len(removed) and removed[r] < i:
                rows.append(_removed_row(a, removed[r]))
                r += 1
        if i is None:
            rows.append(StepRow(ADDED, None, j, None, new.id, new.kegiatan))
            continue
        old = a.steps[i]
        changes = _step_fields(old, new, a, b, actor_map, step_map, a_index, b_index)
        is_moved = i in moved
        kind = CHANGED if changes else (MOVED if is_moved else UNCHANGED)
        rows.append(StepRow(kind, i, j, old.id, new.id, new.kegiatan, is_moved, changes))
    rows += [_removed_row(a, i) for i in removed[r:]]
    return rows, how


def _removed_row(a: Sop, i: int) -> StepRow:
    step = a.steps[i]
    return StepRow(REMOVED, i, None, step.id, None, step.kegiatan)


def _actor_changes(a: Sop, b: Sop, pairs: list[tuple[int, int]]) -> list[ActorChange]:
    out: list[ActorChange] = []
    old_matched = {i for i, _ in pairs}
    new_matched = {j for _, j in pairs}
    moved = _moved_pairs(pairs)
    for i, j in pairs:
        old, new = a.actors[i], b.actors[j]
        if old.name != new.name:
            out.append(ActorChange(RENAMED, old.name, new.name, i, j))
        if i in moved:
            out.append(ActorChange(MOVED, old.name, new.name, i, j))
    out += [ActorChange(REMOVED, actor.name, "", i, None) for i, actor in enumerate(a.actors) if i not in old_matched]
    out += [ActorChange(ADDED, "", actor.name, None, j) for j, actor in enumerate(b.actors) if j not in new_matched]
    return out


# ---- the whole --------------------------------------------------------------------------------------


def diff_sops(a: Sop, b: Sop) -> SopDiff:
    """What changed from version `a` (older) to version `b` (newer)."""
    result = SopDiff()
    for (key, label, old), (_key, _label, new) in zip(identity_values(a), identity_values(b)):
        change = _change(key, label, old, new)
        if change is not None:
            result.identity.append(change)
    result.lists += _list_changes("unit_lines", IDENTITY_LABELS["unit_lines"], a.identity.unit_lines,
                                  b.identity.unit_lines)
    for box in LIST_BOXES:
        result.lists += _list_changes(box, BOX_TITLES[box], getattr(a.identity, box), getattr(b.identity, box))
    actor_pairs = _match_actors(a, b)
    result.actors = _actor_changes(a, b, actor_pairs)
    actor_map = {a.actors[i].id: b.actors[j].id for i, j in actor_pairs}
    result.steps, result.matched_by = _step_rows(a, b, actor_map)
    result.page = _page_changes(a.page, b.page)
    return result


# ---- text -------------------------------------------------------------------------------------------


def marked(words: Iterable[Segment]) -> str:
    """Words as text: removed in [-…-], inserted in {+…+}."""
    parts = []
    for segment in words:
        if segment.kind == DELETED:
            parts.append(f"[-{segment.text}-]")
        elif segment.kind == INSERTED:
            parts.append(f"{{+{segment.text}+}}")
        else:
            parts.append(segment.text)
    return "".join(parts)


def _quoted(text: str) -> str:
    return f"\"{text}\"" if text else "(kosong)"


def _field_line(change: FieldChange) -> str:
    line = f"{change.label}: {_quoted(change.old)} → {_quoted(change.new)}"
    if change.words and change.old and change.new and any(s.kind == SAME and s.text.strip() for s in change.words):
        line += f"  (kata: {marked(change.words)})"
    return line


def version_label(sop: Sop) -> str:
    ident = sop.identity
    parts = [ident.nomor or "tanpa nomor"]
    parts.append(f"revisi ke-{ident.revisi_ke}" if ident.revisi_ke is not None else "belum direvisi")
    return ", ".join(parts)


def step_title(row: StepRow) -> str:
    if row.kind == ADDED:
        return f"Langkah {row.new_index + 1}"
    if row.kind == REMOVED:
        return f"Langkah {row.old_index + 1}"
    if row.old_index == row.new_index:
        return f"Langkah {row.new_index + 1}"
    return f"Langkah {row.old_index + 1} (kini {row.new_index + 1})"


def summary(d: SopDiff) -> str:
    if d.is_empty():
        return "Tidak ada perbedaan."
    counts = d.counts()
    parts = [f"{counts[k]} langkah {k}" for k in (ADDED, REMOVED, MOVED, CHANGED) if counts[k]]
    if d.identity:
        parts.append(f"{len(d.identity)} isian identitas diubah")
    if d.lists:
        parts.append(f"{len(d.lists)} butir daftar berubah")
    if d.actors:
        parts.append(f"{len(d.actors)} perubahan pelaksana")
    if d.page:
        parts.append(f"{len(d.page)} pengaturan halaman diubah")
    return "Ringkasan: " + ", ".join(parts) + "."


def change_lines(d: SopDiff) -> list[tuple[str, list[str]]]:
    """The changes grouped by section (title, lines), as the CLI, the view and the Lembar Perubahan list them."""
    sections: list[tuple[str, list[str]]] = []
    if d.identity:
        sections.append(("Identitas", [_field_line(c) for c in d.identity]))
    if d.lists:
        lines = []
        for item in d.lists:
            if item.kind == ADDED:
                lines.append(f"{item.label}, butir {item.new_index + 1} ditambah: {_quoted(item.new)}")
            elif item.kind == REMOVED:
                lines.append(f"{item.label}, butir {item.old_index + 1} dihapus: {_quoted(item.old)}")
            else:
                where = (f"butir {item.new_index + 1}" if item.old_index == item.new_index
                         else f"butir {item.old_index + 1} (kini {item.new_index + 1})")
                lines.append(f"{item.label}, {where} diubah: {marked(item.words)}")
        sections.append(("Daftar identitas", lines))
    if d.actors:
        lines = []
        for actor in d.actors:
            if actor.kind == ADDED:
                lines.append(f"Ditambah: {_quoted(actor.new_name)} (kolom {actor.new_index + 1})")
            elif actor.kind == REMOVED:
                lines.append(f"Dihapus: {_quoted(actor.old_name)} (kolom {actor.old_index + 1})")
            elif actor.kind == RENAMED:
                lines.append(f"Diganti nama: {_quoted(actor.old_name)} → {_quoted(actor.new_name)}")
            else:
                lines.append(f"Dipindah: {_quoted(actor.new_name)} dari kolom {actor.old_index + 1} "
                             f"ke kolom {actor.new_index + 1}")
        sections.append(("Pelaksana", lines))
    changed = d.changed_steps()
    if changed:
        lines = []
        for row in changed:
            title = step_title(row)
            if row.kind in (ADDED, REMOVED):
                lines.append(f"{title} {row.kind}: {_quoted(row.kegiatan)}")
                continue
            if row.moved:
                lines.append(f"{title} dipindah dari urutan {row.old_index + 1} ke {row.new_index + 1}: "
                             f"{_quoted(row.kegiatan)}")
            if row.fields:
                lines.append(f"{title} diubah:")
                lines += [f"    {_field_line(c)}" for c in row.fields]
        sections.append(("Langkah", lines))
    if d.page:
        sections.append(("Pengaturan halaman", [_field_line(c) for c in d.page]))
    return sections


def format_diff(d: SopDiff) -> list[str]:
    """The comparison as lines of Indonesian text, one section after another, then a summary."""
    lines: list[str] = []
    for title, items in change_lines(d):
        lines.append(f"{title}:")
        lines += [f"  {item}" for item in items]
    if d.matched_by == "isi" and d.changed_steps():
        lines.append("Catatan: kedua versi tidak berbagi tanda pengenal langkah, jadi langkah dicocokkan "
                     "menurut isinya.")
    lines.append(summary(d))
    return lines
