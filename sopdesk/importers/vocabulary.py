"""The words offices print on SOP AP forms, shared by every importer (Excel, PDF ...).

One place for the label and header variants seen in real SOPs (see the format notes, section
3.3, and the issue on importing office archives): identity labels ("Nomor SOP", "TGL.
PEMBUATAN", "Judul SOP", "Kualifikasi Pelaksanaan", "Pencatatan dan Pendaftaran" ...), the
flowchart header captions ("No", "Aktivitas", "Uraian Prosedur", "Pelaksanaan", "Mutu Buku" ...)
and the words written on a decision's branches ("Ya", "T", "lengkap", "belum valid" ...).

Every function takes the text as printed and compares its caption form (see norm): lower
case, punctuation and line breaks as single spaces, so "NO.", "No" and "no :" are the same.
"""
from __future__ import annotations

import re

MAX_LABEL_TEXT = 4000
"""Longer cell texts are content, never a label; also keeps the label patterns cheap on hostile input."""
MAX_LABEL_KEY = 60
"""Longest caption form of a label."""
MAX_LABEL_HEAD = 120
"""A label ends (at ":" or a line break) within this many characters of the start of its cell."""


def norm(text: str) -> str:
    """Caption form: lower case, everything but letters and digits as single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


# ---- identity page ------------------------------------------------------------------------------------

IDENTITY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("nomor", r"(nomor|no|nomer)( sop| prosedur)+( ap)?"),
    ("tanggal_pembuatan", r"(tanggal|tgl) (pembuatan|dibuat|penyusunan)"),
    ("tanggal_revisi", r"(tanggal|tgl) revisi( .*)?"),
    ("tanggal_efektif", r"(tanggal|tgl) (efektif|berlaku)"),
    ("tanggal_pengesahan", r"(tanggal|tgl) (pengesahan|disahkan|penetapan)"),
    ("disahkan", r"(disahkan|ditetapkan)( oleh)?|pengesahan"),
    ("nama", r"(nama|judul)( sop| prosedur)+( ap)?( makro| mikro)?|sop( ap)?( makro| mikro)?"),
    ("dasar_hukum", r"dasar hukum"),
    ("kualifikasi_pelaksana", r"kualifikasi( pelaksana| pelaksanaan)?"),
    ("keterkaitan", r"keterkaitan( dengan sop( lain)?| sop)?|sop terkait"),
    ("peralatan_perlengkapan", r"peralatan( dan)?( perlengkapan)?|perlengkapan( dan)?( peralatan)?"),
    ("peringatan", r"peringatan"),
    ("pencatatan_pendataan", r"pencatatan( dan)?( pendataan| pendaftaran| pelaporan)?|pendataan"),
)
"""Identity field -> caption pattern (matched against the whole caption form of the label)."""
_IDENTITY_RES = tuple((kind, re.compile(pattern)) for kind, pattern in IDENTITY_PATTERNS)

SINGLE_FIELDS = ("nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan",
                 "disahkan", "nama")
"""Identity labels with one value beside them (the right-hand rows of the identity table)."""
BOX_FIELDS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
              "pencatatan_pendataan")
"""Identity labels heading one of the six boxes (a list under or beside the label)."""

_HEAD_SPLIT = re.compile(r"[:\n]")


def identity_kind(caption: str) -> str | None:
    """The identity field a label names ("TGL. PEMBUATAN" -> "tanggal_pembuatan"), else None; the whole text
    must be the label (a trailing ":" is fine)."""
    if not caption or len(caption) > MAX_LABEL_HEAD:
        return None
    key = norm(caption)
    if not key or len(key) > MAX_LABEL_KEY:
        return None
    for kind, pattern in _IDENTITY_RES:
        if pattern.fullmatch(key):
            return kind
    return None


def identity_label(text: str) -> tuple[str, str] | None:
    """(field, text after the label) when `text` starts with an identity label ended by ":" or a line break,
    or is one; "Nomor SOP : 01/2024" -> ("nomor", "01/2024")."""
    if not text or len(text) > MAX_LABEL_TEXT:
        return None
    split = _HEAD_SPLIT.search(text, 0, MAX_LABEL_HEAD)
    if split is None and len(text) > MAX_LABEL_HEAD:
        return None  # a label is a few words; this is content
    head, rest = (text[:split.start()], text[split.end():]) if split else (text, "")
    kind = identity_kind(head)
    return (kind, rest.strip()) if kind else None


# ---- flowchart header ---------------------------------------------------------------------------------

HEADER_WORDS: dict[str, frozenset[str]] = {
    "no": frozenset({"no", "nomor", "no urut", "nomor urut", "nomer", "no langkah"}),
    "kegiatan": frozenset({"kegiatan", "aktivitas", "aktifitas", "uraian kegiatan", "uraian aktivitas",
                           "uraian aktifitas", "uraian prosedur", "uraian", "prosedur", "langkah kegiatan",
                           "rincian kegiatan", "uraian langkah", "uraian pekerjaan", "kegiatan aktivitas",
                           "aktivitas kegiatan"}),
    "pelaksana": frozenset({"pelaksana", "pelaksana kegiatan", "pelaksanaan", "pelaksanaan kegiatan", "pelaku",
                            "unit pelaksana"}),
    "mutu_baku": frozenset({"mutu baku", "mutu buku", "mutubaku", "baku mutu"}),
    "kelengkapan": frozenset({"kelengkapan", "persyaratan kelengkapan", "persyaratan perlengkapan",
                              "kelengkapan persyaratan", "persyaratan", "perlengkapan", "input",
                              "syarat kelengkapan", "persyaratan kelengkapan input"}),
    "waktu": frozenset({"waktu", "durasi", "waktu menit", "lama waktu", "waktu jam", "waktu hari", "jangka waktu"}),
    "output": frozenset({"output", "keluaran", "hasil", "output keluaran", "hasil output"}),
    "keterangan": frozenset({"keterangan", "ket", "catatan"}),
}
"""Flowchart header column -> the captions offices print over it."""
MUTU_BAKU_ORDER = ("kelengkapan", "waktu", "output")
"""The columns under "Mutu Baku", left to right, when they carry no captions of their own."""


def header_kind(text: str) -> str | None:
    """The flowchart column a header caption names ("No.", "Aktivitas", "Mutu Buku" ...), else None."""
    if not text or len(text) > 200:
        return None
    key = norm(text)
    for kind, names in HEADER_WORDS.items():
        if key in names:
            return kind
    return None


# ---- decision branches --------------------------------------------------------------------------------

YES_WORDS = frozenset({"ya", "y", "yes", "iya", "setuju", "disetujui", "terima", "diterima", "sesuai", "lengkap",
                       "benar", "valid", "sah", "ok", "oke", "sudah", "lulus", "memenuhi", "layak", "lanjut"})
NO_WORDS = frozenset({"tidak", "t", "tdk", "tak", "no", "n", "bukan", "tolak", "ditolak", "salah", "belum",
                      "gagal", "kurang", "invalid"})


def decision_word(text: str) -> str | None:
    """"ya" or "tidak" for the ways a decision's branches are labelled ("Y", "Setuju", "lengkap", "Tidak lengkap",
    "belum valid"), else None; a label of more than four words is a sentence, not a branch label."""
    if not text or len(text) > 80:
        return None
    words = norm(text).split()
    if not words or len(words) > 4:
        return None
    if words[0] in NO_WORDS:
        return "tidak"
    if words[0] in YES_WORDS:
        return "ya"
    return None


__all__ = ["BOX_FIELDS", "HEADER_WORDS", "IDENTITY_PATTERNS", "MUTU_BAKU_ORDER", "NO_WORDS", "SINGLE_FIELDS",
           "YES_WORDS", "decision_word", "header_kind", "identity_kind", "identity_label", "norm"]
