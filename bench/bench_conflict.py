"""Settling conflicts: reading a record, building the dialog, applying the choices, and the library list's marks.

Printed: for one SOP of 150 steps whose 60 fields were changed differently on two PCs (a real conflict made with
two libraries and a shared folder), the time to read the record (three versions and the rows, by merging again),
to build the dialog, and to apply every "Versi lain" choice and save; then the library list of N SOPs filled
with and without 20 SOPs marked as conflicting. Usage: bench_conflict.py [N] (default 5000).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import generate_sop  # noqa: E402
from sopdesk.catalog import CatalogEntry  # noqa: E402
from sopdesk.storage import Library, file_stem  # noqa: E402
from sopdesk.sync import settle, sync_library  # noqa: E402


def timed(label: str, action):
    began = time.perf_counter()
    value = action()
    print(f"{label}: {(time.perf_counter() - began) * 1000:.0f} ms")
    return value


def one_conflict(folder: Path):
    a, b, shared = folder / "a", folder / "b", str(folder / "bersama.git")
    sop = generate_sop(random.Random(12), 150, 6)
    with Library.open(a) as library:
        library.save(sop, user="Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    for root, who in ((a, "Ani"), (b, "Budi")):
        with Library.open(root) as library:
            mine = library.load(sop.id)
            for step in mine.steps[::5][:30]:
                step.kegiatan += f" ({who})"
                step.output = f"Output {who}"
            library.save(mine, user=who)
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    return b, sop.id


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from ui.conflict_dialog import ConflictDialog
    from ui.dialogs import Dialogs
    from ui.library_model import LibraryModel

    with tempfile.TemporaryDirectory() as folder:
        root, sop_id = one_conflict(Path(folder))
        with Library.open(root) as library:
            conflict = timed("Membaca catatan bentrok (150 langkah)", lambda: settle.read_conflict(library, sop_id))
            print(f"  {len(conflict.choices)} isian bentrok")
            dialog = timed("Menyusun dialog Selesaikan bentrok", lambda: ConflictDialog(conflict, Dialogs(), None))
            dialog.deleteLater()
            picks = {i: settle.THEIRS for i in range(len(conflict.choices))}
            timed("Menerapkan semua pilihan \"Versi lain\" dan menyimpan",
                  lambda: settle.settle_fields(library, conflict, picks, user="Budi"))
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    entries = [CatalogEntry(id=f"{i:032x}", nomor=f"OT.{i:05d}", nama=f"SOP {i}", unit="Biro Umum", updated_at=now)
               for i in range(count)]
    model = LibraryModel()
    timed(f"Daftar pustaka {count} SOP tanpa tanda bentrok", lambda: model.set_entries(entries))
    model = LibraryModel()
    model.set_conflicts({file_stem(e.id) for e in entries[:: max(1, count // 20)][:20]})
    timed(f"Daftar pustaka {count} SOP dengan 20 tanda bentrok", lambda: model.set_entries(entries))
    timed("Tanda bentrok dibaca ulang (sesudah sinkronisasi)",
          lambda: model.set_conflicts({file_stem(e.id) for e in entries[1:: max(1, count // 20)][:20]}))
    app.processEvents()


if __name__ == "__main__":
    main()
