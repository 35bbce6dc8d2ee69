"""Settling a sync conflict kept under conflicts/<stem>/: read both versions and their ancestor, apply a person's choice.

A sync that met two different changes of the same thing keeps the library's version in place (with whatever
merged cleanly) and the other version, with the common ancestor, under conflicts/<stem>/ (sopdesk/sync/engine.py).
Here that record is read back (`read_conflict`): the three versions, who saved each and when, and one row per thing
to decide (`Choice`), found by merging the three versions again (sopdesk.merge) and kept to the keys the sync
recorded ("kunci"). A decision becomes an ordinary save of the library (`settle_fields`, `settle_with`,
`take_other`) so it is a version in Riwayat versi like any other, and then the record is removed. The other
version stays reachable: when Riwayat versi does not hold it yet, it is saved as a version first.

Both versions are named by what they are on this PC, not by which PC made them: "Versi dipakai" is the library's
file (what this PC shows and prints now), "Versi lain" the one kept aside. The sync may have run on the other PC,
so "this PC's version" could be either of the two; the names of their savers and the times tell them apart.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import fsync_dir, is_temp_file
from ..interchange import sop_to_native
from ..library_files import StorageError, failing_as, read_document
from ..merge import (
    _STEP_ATTRS,
    DELETE_EDIT,
    SEP,
    TARGET,
    MergeConflict,
    _identity_fields,
    _merge_list,
    merge_sops,
)
from ..model import END, Actor, Sop
from .folders import CONFLICTS

ISIAN, HAPUS_UBAH, RUSAK = "isian", "hapus-ubah", "rusak"
OURS, THEIRS, KEEP, DELETE = "ours", "theirs", "keep", "delete"
USED, OTHER, ORIGIN = "Versi dipakai", "Versi lain", "Semula"
MERGED_NOTE = "Digabung otomatis dengan versi dari PC lain"
KEPT_OTHER_NOTE = "Versi lain dari bentrok sinkronisasi, disimpan agar tetap ada di Riwayat versi"

_STEP_ATTR = dict(_STEP_ATTRS)


@dataclass
class Version:
    """One of the three versions of a conflict record; sop is None when it is absent or cannot be read."""

    sop: Sop | None
    saved_by: str = ""
    saved_at: str = ""  # ISO 8601, as the file holds it
    merged: bool = False  # the file was written by a sync's automatic merge
    present: bool = True  # False: the SOP is not there in this version (deleted)
    error: str = ""  # why it cannot be read (Indonesian), "" when it can

    def who(self) -> str:
        """ "disimpan oleh Budi, 02 Des 2026 10.42" (or "digabung otomatis oleh …"); "" when nothing is known."""
        when = _shown_moment(self.saved_at)
        verb = "digabung otomatis" if self.merged else "disimpan"
        parts = [f"oleh {self.saved_by}" if self.saved_by else "", when]
        detail = ", ".join(p for p in parts if p)
        return f"{verb} {detail}" if detail else ""


@dataclass
class Choice:
    """One thing to decide: a field, a list part, a step, an actor or an order the two versions changed differently."""

    path: str  # "Identitas › Nama SOP", "Langkah 3 › Kegiatan", …
    key: str  # the merge key ("identity.nama", "step.<id>.kegiatan", …)
    base: str
    ours: str
    theirs: str
    options: tuple[tuple[str, str], ...]  # (value, label); the first is the default
    conflict: MergeConflict | None = None  # None for a step or actor kept by the sync (see _kept_items)
    note: str = ""

    @property
    def default(self) -> str:
        return self.options[0][0]


@dataclass
class PendingConflict:
    """A conflict record of one SOP, read back."""

    stem: str
    sop_id: str
    name: str
    kind: str  # ISIAN, HAPUS_UBAH or RUSAK
    lines: list[str]  # what the sync said ("bentrok" of the record)
    base: Version
    ours: Version  # the library's file now
    theirs: Version  # the version kept aside
    choices: list[Choice] = field(default_factory=list)
    records: int = 1  # how many records wait for this SOP (one per sync that met a conflict)
    in_trash: bool = False
    tag: str = ""  # the newest record's name (the other side's commit)


def conflicts_folder(root: str | Path) -> Path:
    return Path(root) / CONFLICTS


def pending_stems(root: str | Path) -> set[str]:
    """File stems of the SOPs with a conflict record waiting; nothing raised (an unreadable folder: none)."""
    folder = conflicts_folder(root)
    try:
        with os.scandir(folder) as it:
            dirs = [Path(e.path) for e in it if e.is_dir(follow_symlinks=False)]
    except OSError:
        return set()
    found = set()
    for path in dirs:
        try:
            if any(p.name.endswith("-info.json") for p in path.iterdir()):
                found.add(path.name)
        except OSError:
            continue
    return found


# ---- reading a record ------------------------------------------------------------------------


def _shown_moment(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    from ..labels import MONTHS

    return f"{moment.day:02d} {MONTHS[moment.month - 1][:3]} {moment.year} {moment:%H.%M}"


def _version(path: Path | None) -> Version:
    if path is None or not path.exists():
        return Version(None, present=False)
    try:
        sop, data = read_document(path)
    except StorageError as exc:
        return Version(None, error=str(exc))
    changes = data.get("changes") if isinstance(data.get("changes"), list) else []
    return Version(sop, saved_by=str(data.get("saved_by") or ""), saved_at=str(data.get("saved_at") or ""),
                   merged=bool(changes) and changes[0] == MERGED_NOTE)


def _records(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """(tag, info) of each record in the folder, oldest first (one per sync that met a conflict)."""
    infos = []
    for path in folder.glob("*-info.json"):
        if is_temp_file(path.name):
            continue
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            mtime = 0
        infos.append((str(info.get("waktu") or ""), mtime, path.name[:-len("-info.json")], info))
    infos.sort(key=lambda item: (item[0], item[1], item[2]))
    return [(tag, info) for _when, _mtime, tag, info in infos]


def _first_record(folder: Path) -> tuple[str, dict[str, Any], int]:
    """The oldest record (settled first: a later one was merged on top of it) and how many there are."""
    records = _records(folder)
    if not records:
        raise StorageError("Catatan bentrok SOP ini tidak ada lagi; mungkin sudah diselesaikan di jendela lain.")
    tag, info = records[0]
    return tag, info, len(records)


def kind_of(root: str | Path, stem: str) -> str:
    """The kind of the first conflict record of an SOP (ISIAN, HAPUS_UBAH or RUSAK); "" when there is none."""
    try:
        _tag, info, _count = _first_record(conflicts_folder(root) / stem)
    except (StorageError, OSError):
        return ""
    kind = info.get("jenis")
    return kind if kind in (ISIAN, HAPUS_UBAH, RUSAK) else ISIAN


def read_conflict(library, stem: str) -> PendingConflict:
    """The first conflict record of one SOP (file stem) of an open library; StorageError when there is none.

    When several syncs each met a conflict on this SOP, their records are settled one after the other, oldest
    first, each against the library's version as it is then.
    """
    root = Path(library.root)
    folder = conflicts_folder(root) / stem
    with failing_as("membaca", folder):
        tag, info, count = _first_record(folder)
    in_trash = not (root / "sops" / f"{stem}.json").exists() and (root / "trash" / f"{stem}.json").exists()
    ours = _library_version(library, stem)
    theirs = _version(folder / f"{tag}-theirs.json")
    base = _version(folder / f"{tag}-base.json")
    sop_id = _sop_id(library, stem, ours, theirs, base)
    for version in (ours, theirs, base):
        if version.sop is not None:
            version.sop.id = sop_id
    kind = info.get("jenis") if info.get("jenis") in (ISIAN, HAPUS_UBAH, RUSAK) else ISIAN
    name = str(info.get("nama") or "") or _name(ours.sop or theirs.sop or base.sop) or stem
    lines = [str(line) for line in info.get("bentrok", []) if isinstance(line, str)] \
        if isinstance(info.get("bentrok"), list) else []
    conflict = PendingConflict(stem, sop_id, name, kind, lines, base, ours, theirs, records=count, in_trash=in_trash,
                               tag=tag)
    if kind == ISIAN:
        if ours.sop is None or theirs.sop is None:
            # A version that cannot be read now (a file damaged since): only a whole version can be chosen.
            conflict.kind = RUSAK
        else:
            keys = info.get("kunci")
            conflict.choices = find_choices(base.sop, ours.sop, theirs.sop,
                                            [str(k) for k in keys] if isinstance(keys, list) else None)
    return conflict


def _sop_id(library, stem: str, *versions: Version) -> str:
    from ..storage import file_stem

    for entry in [*library.entries(), *library.list_trash()]:
        if file_stem(entry.id) == stem:
            return entry.id
    for version in versions:
        if version.sop is not None and file_stem(version.sop.id) == stem:
            return version.sop.id
    return stem


def _name(sop: Sop | None) -> str:
    if sop is None:
        return ""
    return " ".join(p for p in (sop.identity.nomor.strip(), sop.identity.nama.strip()) if p)


# ---- what to decide -------------------------------------------------------------------------


def find_choices(base: Sop | None, ours: Sop, theirs: Sop, keys: list[str] | None = None) -> list[Choice]:
    """The rows to decide, merging the three versions again.

    `keys`: the merge keys the sync recorded. A conflict on another key is a change made on this PC after the
    sync (the drafter already saw the other version's value there), so it is not asked again. A step or an actor
    the sync kept because one side deleted it and the other changed it is asked even when the merge no longer
    sees a conflict (the library now holds it on both sides).
    """
    merged = merge_sops(base, ours, theirs)
    wanted = set(keys) if keys is not None else None
    choices = []
    for conflict in merged.conflicts:
        if wanted is not None and conflict.key not in wanted:
            continue
        choices.append(_choice_of(conflict))
    if wanted is not None and base is not None:
        seen = {c.key for c in merged.conflicts}
        choices += _kept_items(base, ours, theirs, [k for k in keys if k not in seen])
    return choices


def _choice_of(conflict: MergeConflict) -> Choice:
    if conflict.kind == DELETE_EDIT:
        what = "langkah" if conflict.key.startswith("step.") else "pelaksana"
        keep = (KEEP, f"Pertahankan {what}")
        delete = (DELETE, f"Hapus {what}")
        return Choice(conflict.path, conflict.key, conflict.base, conflict.ours, conflict.theirs, (keep, delete),
                      conflict, note=f"Dihapus di satu versi dan diubah di versi lain; {what} ini tetap ada sampai "
                                     "Anda memutuskan.")
    if conflict.kind == TARGET:
        return Choice(conflict.path, conflict.key, conflict.base, conflict.ours, conflict.theirs,
                      ((OURS, "Pilih lagi di tabel Langkah"),), conflict,
                      note="Langkah tujuannya dihapus; pilih tujuan baru di tabel Langkah.")
    return Choice(conflict.path, conflict.key, conflict.base, conflict.ours, conflict.theirs,
                  ((OURS, USED), (THEIRS, OTHER)), conflict)


def _kept_items(base: Sop, ours: Sop, theirs: Sop, keys: list[str]) -> list[Choice]:
    """Steps and actors the sync kept (deleted in one version, changed in the other) that both versions now hold."""
    out = []
    for key in keys:
        kind, _, item = key.partition(".")
        if kind == "step" and "." not in item:
            step, old = ours.step(item), base.step(item)
            if step is None or old is None or theirs.step(item) is None:
                continue
            number = ours.step_index(item) + 1
            text = "ada: " + (step.kegiatan or "(kosong)")
            out.append(Choice(f"Langkah {number}", key, old.kegiatan or "(kosong)", text,
                              "ada: " + (theirs.step(item).kegiatan or "(kosong)"),
                              ((KEEP, "Pertahankan langkah"), (DELETE, "Hapus langkah")),
                              note="Langkah ini dihapus di salah satu PC dan diubah di PC lain; sinkronisasi "
                                   "menyimpannya agar perubahan itu tidak hilang."))
        elif kind == "actor":
            actor, old = ours.actor(item), base.actor(item)
            if actor is None or old is None or theirs.actor(item) is None:
                continue
            out.append(Choice(f"Pelaksana{SEP}{actor.name}", key, old.name, "ada: " + actor.name,
                              "ada: " + theirs.actor(item).name,
                              ((KEEP, "Pertahankan pelaksana"), (DELETE, "Hapus pelaksana")),
                              note="Pelaksana ini dihapus di salah satu PC dan diubah atau masih dipakai di PC "
                                   "lain; sinkronisasi menyimpannya."))
    return out


# ---- applying choices -----------------------------------------------------------------------


def resolve(conflict: PendingConflict, picks: dict[int, str]) -> Sop:
    """The SOP with the choices applied: picks[i] is the option value of conflict.choices[i] (default when absent).

    Starts from the merge of the three versions (the library's values where they clash) and takes the other
    version's value, by merge key, for each row where it is chosen.
    """
    base, ours, theirs = conflict.base.sop, conflict.ours.sop, conflict.theirs.sop
    if ours is None or theirs is None:
        raise StorageError("Salah satu versi SOP ini tidak dapat dibaca, jadi isiannya tidak dapat dipilih satu "
                           "per satu; pilih salah satu versi seutuhnya.")
    merged = merge_sops(base, ours, theirs)
    out = (merged.sop or ours).clone()
    base = base if base is not None else Sop(id=ours.id)
    list_picks: dict[str, set[int]] = {}
    order_of_list: dict[str, int] = {}
    removed_steps: set[str] = set()
    removed_actors: set[str] = set()
    step_order = actor_order = False
    for i, choice in enumerate(conflict.choices):
        pick = picks.get(i, choice.default)
        key = choice.key
        if key.startswith("list."):
            # Several parts of one list can clash; they come in list order, one choice each.
            number = order_of_list.get(key, 0)
            order_of_list[key] = number + 1
            if pick == THEIRS:
                list_picks.setdefault(key, set()).add(number)
            continue
        if pick == DELETE:
            kind, _, item = key.partition(".")
            (removed_steps if kind == "step" else removed_actors).add(item)
            continue
        if pick != THEIRS:
            continue
        if key == "steps.order":
            step_order = True
        elif key == "actors.order":
            actor_order = True
        else:
            _take_theirs(out, theirs, key)
    for key, chosen in list_picks.items():
        box = key[len("list."):]
        setattr(out.identity, box, pick_list(getattr(base.identity, box), getattr(ours.identity, box),
                                             getattr(theirs.identity, box), chosen))
    if step_order:
        out.steps = _in_order_of(out.steps, [s.id for s in theirs.steps])
    if actor_order:
        out.actors = _in_order_of(out.actors, [a.id for a in theirs.actors])
    if removed_steps:
        out.steps = [s for s in out.steps if s.id not in removed_steps]
    if removed_actors:
        out.actors = [a for a in out.actors if a.id not in removed_actors]
        for step in out.steps:
            step.actors = [x for x in step.actors if x not in removed_actors]
    _drop_lost_targets(out)
    return out


def _take_entry(out_table: dict, their_table: dict, name: str) -> None:
    """One entry of an identity table (date texts, keterkaitan links) as the other version has it: its value,
    or gone where it has none."""
    value = their_table.get(name)
    if value is None:
        out_table.pop(name, None)
    else:
        out_table[name] = value


def _take_theirs(out: Sop, theirs: Sop, key: str) -> None:
    """Put the other version's value of one merge key into `out`."""
    kind, _, rest = key.partition(".")
    if kind == "identity":
        for table in ("date_texts", "keterkaitan_links"):
            if rest.startswith(table + "."):
                _take_entry(getattr(out.identity, table), getattr(theirs.identity, table), rest[len(table) + 1:])
                return
        for name, get, put in _identity_fields():
            if name == rest:
                put(out.identity, get(theirs.identity))
                return
        return
    if kind == "step":
        sid, _, field_key = rest.partition(".")
        source, target = theirs.step(sid), out.step(sid)
        if source is None or target is None or field_key not in _STEP_ATTR:
            return
        attr = _STEP_ATTR[field_key]
        value = getattr(source, attr)
        if isinstance(value, list):
            value = list(value)
        elif attr == "waktu":
            value = dataclasses.replace(value)
        setattr(target, attr, value)
        return
    if kind == "actor":
        source = theirs.actor(rest)
        if source is None:
            return
        target = out.actor(rest)
        if target is None:
            out.actors.append(Actor(source.name, source.id))
        else:
            target.name = source.name
        return
    if kind == "page":
        setattr(out.page, rest, getattr(theirs.page, rest))
    elif kind == "lifecycle":
        from ..merge import _LIFECYCLE_FIELDS

        for name, attrs, _label in _LIFECYCLE_FIELDS:
            if name == rest:
                for attr in attrs:
                    setattr(out.lifecycle, attr, getattr(theirs.lifecycle, attr))
    elif kind == "source":
        out.source = theirs.source


def pick_list(base: list[str], ours: list[str], theirs: list[str], take_theirs: set[int]) -> list[str]:
    """The three-way merge of one list (as sopdesk.merge does it), with the other version's items in the clashing
    parts numbered in `take_theirs` (0 = the first clash in list order) and the library's in the others."""
    return _merge_list(base, ours, theirs, take_theirs)[0]


def _in_order_of(items: list, order: list[str]) -> list:
    """Items ordered as `order` lists their ids; one it does not list stays right after the item before it."""
    position = {item_id: i for i, item_id in enumerate(order)}
    listed = sorted((x for x in items if x.id in position), key=lambda x: position[x.id])
    result = list(listed)
    for i, item in enumerate(items):
        if item.id in position:
            continue
        before = next((items[j] for j in range(i - 1, -1, -1) if items[j] in result), None)
        result.insert(0 if before is None else result.index(before) + 1, item)
    return result


def _drop_lost_targets(sop: Sop) -> None:
    ids = {s.id for s in sop.steps}
    for step in sop.steps:
        for attr in ("yes_target", "no_target"):
            target = getattr(step, attr)
            if target is not None and target != END and target not in ids:
                setattr(step, attr, None)


# ---- deciding ---------------------------------------------------------------------------------


def _mutex(library):
    return getattr(library, "mutex", None) or nullcontext()


def remove_record(library, stem: str, tag: str | None = None) -> None:
    """Remove one record of conflicts/<stem>/ (all of them when tag is None); its versions stay in the repository's
    history. Holds the library's mutex."""
    folder = conflicts_folder(library.root) / stem
    with _mutex(library), failing_as("menghapus", folder):
        if not folder.is_dir():
            return
        for path in sorted(folder.iterdir()):
            if path.is_dir() or (tag is not None and not path.name.startswith(f"{tag}-")):
                continue
            path.unlink()
        if any(folder.iterdir()):
            fsync_dir(folder)
            return  # other records of this SOP still wait
        folder.rmdir()
        fsync_dir(folder.parent)
        try:
            folder.parent.rmdir()  # conflicts/ itself, once empty
        except OSError:
            pass  # other SOPs still wait


def _check_unchanged(library, conflict: PendingConflict) -> None:
    """StorageError when the library's version or the record changed since read_conflict (a sync meanwhile)."""
    folder = conflicts_folder(library.root) / conflict.stem
    try:
        tags = {tag for tag, _info in _records(folder)}
    except OSError:
        tags = set()
    now, before = _library_version(library, conflict.stem), conflict.ours
    same_version = (now.sop is None and before.sop is None) or (
        now.sop is not None and before.sop is not None and same_content(now.sop, before.sop))
    if conflict.tag not in tags or not same_version or now.present != before.present:
        raise StorageError("SOP ini berubah selama Anda memutuskan (sinkronisasi membawa versi baru, atau SOP "
                           "disimpan lagi). Belum ada yang diubah; buka lagi Selesaikan bentrok.")


def _library_version(library, stem: str) -> Version:
    """The library's own version of the SOP (in the list or the Sampah), as read_conflict reads it."""
    root = Path(library.root)
    current = root / "sops" / f"{stem}.json"
    if not current.exists() and (root / "trash" / f"{stem}.json").exists():
        current = root / "trash" / f"{stem}.json"
    return _version(current)


def same_content(a: Sop, b: Sop) -> bool:
    """Whether two versions hold the same SOP (who saved them and when aside)."""
    return sop_to_native(a) == sop_to_native(b)


_same = same_content


def _keep_other_in_history(library, conflict: PendingConflict, user: str, result: Sop | None) -> bool:
    """Make sure the other version is a version in Riwayat versi before the record goes; True when saved for that."""
    other = conflict.theirs.sop
    if other is None or (result is not None and _same(other, result)):
        return False
    if conflict.ours.sop is not None and _same(other, conflict.ours.sop):
        return False
    for revision in library.history(conflict.sop_id):
        if getattr(revision, "damaged", ""):
            continue
        try:
            if _same(library.load_revision(conflict.sop_id, revision.revision_id), other):
                return False
        except StorageError:
            continue
    who = conflict.theirs.who()
    library.save(other.clone(), user, note=KEPT_OTHER_NOTE + (f" ({who})" if who else ""))
    return True


def decision_note(conflict: PendingConflict, picks: dict[int, str]) -> str:
    """ "Bentrok diselesaikan: Identitas › Nama SOP dari versi lain; 1 isian tetap" (the save's first change line)."""
    taken, kept, removed = [], 0, []
    for i, choice in enumerate(conflict.choices):
        pick = picks.get(i, choice.default)
        if pick == THEIRS:
            taken.append(choice.path)
        elif pick == DELETE:
            removed.append(choice.path)
        else:
            kept += 1
    parts = []
    if taken:
        parts.append(", ".join(taken) + " dari versi lain")
    if removed:
        parts.append(", ".join(removed) + " dihapus")
    if kept:
        parts.append(f"{kept} isian tetap seperti versi yang dipakai")
    return "Bentrok diselesaikan: " + ("; ".join(parts) if parts else "versi yang dipakai tetap")


def settle_fields(library, conflict: PendingConflict, picks: dict[int, str], user: str = "") -> Sop:
    """Apply the choices, save the result as the SOP's new version, remove the record; returns what was saved."""
    result = resolve(conflict, picks)
    return settle_with(library, conflict, result, user, decision_note(conflict, picks))


def settle_with(library, conflict: PendingConflict, sop: Sop, user: str = "", note: str = "") -> Sop:
    """Save `sop` (chosen or edited by hand) as the SOP's new version and remove the record."""
    sop = sop.clone()
    sop.id = conflict.sop_id
    with _mutex(library):
        _check_unchanged(library, conflict)
        _keep_other_in_history(library, conflict, user, sop)
        library.save(sop, user, note=note or "Bentrok diselesaikan")
        remove_record(library, conflict.stem, conflict.tag)
    return sop


def take_other(library, conflict: PendingConflict, user: str = "") -> Sop:
    """Use the other version whole (an unreadable library file, say); the version it replaces stays in history."""
    if conflict.theirs.sop is None:
        raise StorageError("Versi lain SOP ini tidak dapat dibaca, jadi tidak dapat dipakai.")
    return settle_with(library, conflict, conflict.theirs.sop, user, "Bentrok diselesaikan: versi lain dipakai")


def keep_current(library, conflict: PendingConflict, user: str = "") -> None:
    """Keep the library's version as it is (the edited one, for deleted-against-edited) and remove the record."""
    with _mutex(library):
        _check_unchanged(library, conflict)
        if (conflict.theirs.sop is not None and conflict.ours.sop is not None
                and _keep_other_in_history(library, conflict, user, conflict.ours.sop)):
            # That save made the other version current for a moment: the one in use comes back on top.
            library.save(conflict.ours.sop.clone(), user, note="Bentrok diselesaikan: versi yang dipakai tetap")
        remove_record(library, conflict.stem, conflict.tag)


def delete_sop(library, conflict: PendingConflict) -> None:
    """Deleted against edited, settled as deleted: the SOP goes to the Sampah (restorable), the record is removed."""
    with _mutex(library):
        _check_unchanged(library, conflict)
        if not conflict.in_trash and (Path(library.root) / "sops" / f"{conflict.stem}.json").exists():
            library.trash(conflict.sop_id)
        remove_record(library, conflict.stem)  # every record: the SOP itself is set aside
