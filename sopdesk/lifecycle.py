"""The life of an SOP: its status, the next revision, review dates, and what changed between two versions.

Status (model.Status): Draf while being drafted, Berlaku once in force, Diganti when a later revision came into
force, Dicabut when revoked. "Buat revisi" on a Berlaku SOP keeps that revision as a read-only record in the
library (Library.record_revision) and turns the document into the draft of the next revision (start_revision).

Review: an SOP in force is due for review `review_months` months after its Tanggal Efektif (Tanggal Pengesahan
where that is printed instead), the default number of months coming from Preferensi; or, when the user says so,
on the date held in Tanggal Revisi, which the format notes allow to be the planned review date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import enum

from .labels import BOX_TITLES, IDENTITY_LABELS, format_date
from .model import LIST_BOXES, Sop, Status

DEFAULT_REVIEW_MONTHS = 12
"""The review interval Preferensi starts with: once a year, as the BPS guideline asks at least."""
MIN_REVIEW_MONTHS, MAX_REVIEW_MONTHS = 1, 240
DUE_SOON_DAYS = 30

STATUS_LABELS = {status: status.value for status in Status}


class ReviewState(str, enum.Enum):
    """Where an SOP stands against its review date; the value is what the library shows."""

    NONE = ""  # not in force, or no date to count from
    SCHEDULED = "terjadwal"
    DUE_SOON = "jatuh tempo dalam 30 hari"
    OVERDUE = "lewat jatuh tempo"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the month's last day (31 Jan + 1 = 28/29 Feb)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_basis(sop: Sop) -> dt.date | None:
    """The date a review interval counts from: Tanggal Efektif, or Tanggal Pengesahan, or the status date."""
    ident = sop.identity
    first = (ident.tanggal_pengesahan, ident.tanggal_efektif) if ident.use_pengesahan else (
        ident.tanggal_efektif, ident.tanggal_pengesahan)
    for day in (*first, sop.lifecycle.status_date):
        if day is not None:
            return day
    return None


def review_months_of(sop: Sop, default_months: int) -> int:
    months = sop.lifecycle.review_months
    return months if months is not None else default_months


def review_due(sop: Sop, today: dt.date, default_months: int) -> dt.date | None:
    """When the SOP in force is due for review; None when it is not in force or there is no date to count from.

    `today` is part of the signature so every caller can say which day it asks about; the due date itself does
    not depend on it.
    """
    del today  # the due date is fixed by the SOP; review_state() compares it with today
    life = sop.lifecycle
    planned = sop.identity.tanggal_revisi if life.review_on_tanggal_revisi else None
    return due_from_parts(life.status, review_basis(sop), life.review_months, planned, default_months)


def due_from_parts(status: Status | str, basis: dt.date | str | None, months: int | None,
                   planned: dt.date | str | None, default_months: int) -> dt.date | None:
    """review_due() from its parts, as the library catalogue keeps them (dates may be ISO text there)."""
    if Status(status) is not Status.BERLAKU:
        return None
    planned, basis = _as_date(planned), _as_date(basis)
    if planned is not None:
        return planned
    if basis is None:
        return None
    months = months if months is not None else default_months
    return add_months(basis, max(MIN_REVIEW_MONTHS, min(MAX_REVIEW_MONTHS, months)))


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def state_of_due(due: dt.date | None, today: dt.date) -> ReviewState:
    if due is None:
        return ReviewState.NONE
    if due < today:
        return ReviewState.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return ReviewState.DUE_SOON
    return ReviewState.SCHEDULED


def review_state(sop: Sop, today: dt.date, default_months: int) -> ReviewState:
    """SCHEDULED, DUE_SOON (due today or within 30 days), OVERDUE (the due day has passed) or NONE."""
    return state_of_due(review_due(sop, today, default_months), today)


def review_text(sop: Sop, today: dt.date, default_months: int) -> str:
    """One Indonesian line for the window: "Tinjau ulang: 01 Juni 2025 (jatuh tempo dalam 30 hari)"."""
    due = review_due(sop, today, default_months)
    if due is None:
        if sop.lifecycle.status is not Status.BERLAKU:
            return "Tinjau ulang: hanya untuk SOP yang berlaku."
        return "Tinjau ulang: isi Tanggal Efektif untuk menghitung jadwalnya."
    state = state_of_due(due, today)
    return f"Tinjau ulang: {format_date(due, weekday=False)} ({state.value})"


# ---- revisions ----------------------------------------------------------------------------------


class RevisionRefused(ValueError):
    """"Buat revisi" asked of an SOP that is not in force; the message is one Indonesian sentence."""


def can_start_revision(sop: Sop) -> bool:
    return sop.lifecycle.status is Status.BERLAKU


def start_revision(sop: Sop, today: dt.date) -> Sop:
    """The draft of the next revision of an SOP in force: Revisi ke + 1, Tanggal Revisi today, status Draf.

    The SOP itself is not changed (keep it with Library.record_revision first). Everything else is kept so the
    drafter edits from the text in force; a Tanggal Revisi that held a planned review date is replaced too, as
    the review is what this revision is.
    """
    if not can_start_revision(sop):
        raise RevisionRefused(f"Revisi baru hanya dapat dibuat dari SOP yang berstatus Berlaku; SOP ini berstatus "
                              f"{sop.lifecycle.status.value}.")
    draft = sop.clone()
    ident = draft.identity
    ident.revisi_ke = (ident.revisi_ke or 0) + 1
    ident.tanggal_revisi = today
    ident.date_texts.pop("tanggal_revisi", None)
    draft.lifecycle.status = Status.DRAF
    draft.lifecycle.status_date = today
    draft.lifecycle.status_date_text = ""
    draft.lifecycle.review_on_tanggal_revisi = False
    return draft


def revision_number(sop: Sop) -> int:
    return sop.identity.revisi_ke or 0


# ---- what changed between two versions ------------------------------------------------------------

LIFECYCLE_LABELS = {
    "status": "Status",
    "status_date": "Tanggal status",
    "status_date_text": "Tanggal status",
    "review_months": "Jangka tinjau ulang",
    "review_on_tanggal_revisi": "Tanggal Revisi sebagai jadwal tinjau ulang",
}

PAGE_LABEL = "Pengaturan halaman"
STEP_FIELD_LABELS = {
    "kegiatan": "kegiatan",
    "actors": "pelaksana",
    "symbol": "simbol",
    "yes_target": "Jika Ya",
    "no_target": "Jika Tidak",
    "yes_label": "label Ya",
    "no_label": "label Tidak",
    "kelengkapan": "kelengkapan",
    "waktu": "waktu",
    "output": "output",
    "keterangan": "keterangan",
    "keterangan_link": "tautan keterangan",
}
_IDENTITY_FIELDS = ("instansi", "unit_lines", "logo", "nomor", "tanggal_pembuatan", "tanggal_revisi", "revisi_ke",
                    "tanggal_efektif", "tanggal_pengesahan", "nama", "cakupan", "sifat")


def changed_fields(old: Sop | None, new: Sop) -> list[str]:
    """What a save changed, in Indonesian, in the order of the editor's tabs.

    Examples: "Nama SOP", "Dasar Hukum", "Langkah 3 ditambahkan", "Langkah 2 diubah: kegiatan, waktu",
    "Langkah dihapus: 2", "Urutan langkah", "Pelaksana ditambahkan: Kasubbag", "Pengaturan halaman". A first
    save (old is None) gives ["SOP baru"].
    """
    if old is None:
        return ["SOP baru"]
    out: list[str] = []
    a, b = old.identity, new.identity
    for name in _IDENTITY_FIELDS:
        if getattr(a, name) != getattr(b, name) or (
                name.startswith("tanggal_") and a.date_texts.get(name, "") != b.date_texts.get(name, "")):
            out.append(IDENTITY_LABELS[name])
    if a.use_pengesahan != b.use_pengesahan:
        out.append("Pilihan Tanggal Efektif/Pengesahan")
    for key in ("jabatan", "nama", "id_number"):
        if getattr(a.signer, key) != getattr(b.signer, key):
            out.append(IDENTITY_LABELS[f"signer.{key}"])
    if a.signer.id_label != b.signer.id_label:
        out.append("Jenis nomor identitas pengesah")
    for box in LIST_BOXES:
        if getattr(a, box) != getattr(b, box):
            out.append(BOX_TITLES[box])
    if getattr(a, "keterkaitan_links", None) != getattr(b, "keterkaitan_links", None):
        out.append("Tautan Keterkaitan")
    out.extend(_actor_changes(old, new))
    out.extend(_step_changes(old, new))
    if old.page != new.page:
        out.append(PAGE_LABEL)
    for key, label in LIFECYCLE_LABELS.items():
        if getattr(old.lifecycle, key) != getattr(new.lifecycle, key) and label not in out:
            out.append(label)
    return out


def _names(names: list[str]) -> str:
    return ", ".join(f"\"{n}\"" if n.strip() else "(tanpa nama)" for n in names)


def _reordered(old_ids: list[str], new_ids: list[str]) -> bool:
    """Whether the items both versions keep stand in another order (added and removed ones aside)."""
    old_set, new_set = set(old_ids), set(new_ids)
    return [i for i in old_ids if i in new_set] != [i for i in new_ids if i in old_set]


def _actor_changes(old: Sop, new: Sop) -> list[str]:
    out = []
    before = {a.id: a for a in old.actors}
    after = {a.id: a for a in new.actors}
    added = [a.name for a in new.actors if a.id not in before]
    removed = [a.name for a in old.actors if a.id not in after]
    renamed = [f"\"{before[a.id].name}\" menjadi \"{a.name}\"" for a in new.actors
               if a.id in before and before[a.id].name != a.name]
    if added:
        out.append(f"Pelaksana ditambahkan: {_names(added)}")
    if removed:
        out.append(f"Pelaksana dihapus: {_names(removed)}")
    if renamed:
        out.append(f"Pelaksana diganti nama: {', '.join(renamed)}")
    if _reordered([a.id for a in old.actors], [a.id for a in new.actors]):
        out.append("Urutan pelaksana")
    return out


def _step_changes(old: Sop, new: Sop) -> list[str]:
    out = []
    before = {s.id: (i, s) for i, s in enumerate(old.steps)}
    after_ids = {s.id for s in new.steps}
    for i, step in enumerate(new.steps):
        if step.id not in before:
            out.append(f"Langkah {i + 1} ditambahkan")
            continue
        _j, was = before[step.id]
        fields = [label for key, label in STEP_FIELD_LABELS.items()
                  if getattr(was, key, None) != getattr(step, key, None)]
        if fields:
            out.append(f"Langkah {i + 1} diubah: {', '.join(fields)}")
    removed = [str(i + 1) for i, s in enumerate(old.steps) if s.id not in after_ids]
    if removed:
        out.append(f"Langkah dihapus: {', '.join(removed)} (nomor lama)")
    if _reordered([s.id for s in old.steps], [s.id for s in new.steps]):
        out.append("Urutan langkah")
    return out
