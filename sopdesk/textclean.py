"""Text that can be stored: lone surrogates and stray control characters are cleaned and counted."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Sop

# Tab, line feed and carriage return are kept: multi-line cells and pasted lists use them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> tuple[str, bool]:
    """Return the text with lone surrogates replaced by U+FFFD and control characters removed.

    A valid surrogate pair never appears in a Python str (it is one code point), so every
    surrogate here is a lone one that UTF-8 cannot encode. The flag says whether anything changed.
    """
    if not isinstance(text, str):
        return text, False
    cleaned = _SURROGATE.sub(REPLACEMENT, text)
    cleaned = _CONTROL.sub("", cleaned)
    return cleaned, cleaned != text


def storable(text: str) -> str:
    """The cleaned text alone, for writers that must never fail on a character (see clean_text)."""
    return clean_text(text)[0]


_IDENTITY_TEXTS = (("instansi", "Instansi"), ("nomor", "Nomor SOP"), ("nama", "Nama SOP"), ("cakupan", "Jenis SOP"),
                   ("sifat", "Sifat SOP"))
_SIGNER_TEXTS = (("jabatan", "Jabatan pengesah"), ("nama", "Nama pengesah"), ("id_number", "NIP/NRP pengesah"))
_STEP_TEXTS = (("kegiatan", "Kegiatan"), ("kelengkapan", "Kelengkapan"), ("output", "Output"),
               ("keterangan", "Keterangan"), ("yes_label", "Label Ya"), ("no_label", "Label Tidak"))


def clean_sop(sop: Sop) -> list[str]:
    """Clean every text of the SOP in place; the Indonesian names of the fields that changed, in document order.

    Ids and decision targets are cleaned too, with the same function, so references between
    them still match afterwards.
    """
    from .labels import BOX_TITLES
    from .model import LIST_BOXES

    changed: list[str] = []

    def fix(owner: object, attr: str, title: str) -> None:
        value, was_changed = clean_text(getattr(owner, attr))
        if was_changed:
            setattr(owner, attr, value)
            changed.append(title)

    def fix_list(items: list, title: str) -> None:
        for i, item in enumerate(items):
            value, was_changed = clean_text(item)
            if was_changed:
                items[i] = value
                changed.append(f"{title} {i + 1}")

    ident = sop.identity
    for attr, title in _IDENTITY_TEXTS:
        fix(ident, attr, title)
    fix_list(ident.unit_lines, "Unit organisasi baris")
    for attr, title in _SIGNER_TEXTS:
        fix(ident.signer, attr, title)
    for key in list(ident.date_texts):
        value, was_changed = clean_text(ident.date_texts[key])
        if was_changed:
            ident.date_texts[key] = value
            changed.append(f"Teks tanggal {key}")
    if ident.logo is not None:
        fix(ident.logo, "extension", "Jenis berkas logo")
    for box in LIST_BOXES:
        fix_list(getattr(ident, box), f"{BOX_TITLES[box]} butir")
    for number, actor in enumerate(sop.actors, start=1):
        fix(actor, "name", f"Nama pelaksana {number}")
        fix(actor, "id", f"Kode pelaksana {number}")
    for number, step in enumerate(sop.steps, start=1):
        for attr, title in _STEP_TEXTS:
            fix(step, attr, f"{title} langkah {number}")
        fix(step.waktu, "text", f"Waktu langkah {number}")
        fix(step.waktu, "unit", f"Satuan waktu langkah {number}")
        fix_list(step.actors, f"Pelaksana langkah {number}, kode")
        for attr in ("yes_target", "no_target", "id"):
            if getattr(step, attr) is not None:
                fix(step, attr, f"Kode langkah {number}")
    fix(sop, "id", "Kode SOP")
    fix(sop, "source", "Sumber")
    fix_list(sop.notes, "Catatan impor")
    return list(dict.fromkeys(changed))


def cleaning_note(changed: list[str]) -> str:
    """One Indonesian line for the import notes naming the cleaned fields (the first few, then a count)."""
    shown = ", ".join(changed[:8])
    more = f" dan {len(changed) - 8} isian lain" if len(changed) > 8 else ""
    return (f"Karakter yang tidak dapat disimpan (karakter kendali atau pengganti tunggal) dihapus atau diganti "
            f"\"{REPLACEMENT}\" di: {shown}{more}.")
