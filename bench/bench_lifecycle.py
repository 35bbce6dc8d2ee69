"""The cost of the change log and of Buat revisi: one save of a 300-step SOP with and without it.

Every save now reads the version it replaces and lists what changed (lifecycle.changed_fields). Goal: a save
of a 300-step SOP stays under 50 ms, as bench_library.py asks of one save.
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk import storage  # noqa: E402
from sopdesk.lifecycle import changed_fields  # noqa: E402
from sopdesk.model import Status  # noqa: E402
from sopdesk.storage import Library  # noqa: E402

ROUNDS = 20


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def time_saves(library: Library, sop, field: str) -> list[float]:
    samples = []
    for i in range(ROUNDS):
        setattr(sop.steps[i], field, getattr(sop.steps[i], field) + " (diubah)")
        began = time.perf_counter()
        library.save(sop, "Bench")
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    rng = random.Random(35)
    sop = generate_sop(rng, 300, 8)
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "pustaka") as library:
        library.save(sop, "Bench")
        diff_only = []
        for i in range(ROUNDS):
            before = sop.clone()
            sop.steps[i].kegiatan += " (diubah)"
            began = time.perf_counter()
            changed_fields(before, sop)
            diff_only.append(time.perf_counter() - began)
        with_log = time_saves(library, sop, "kegiatan")
        real_copy = Library._saved_copy
        Library._saved_copy = lambda self, sop_id, path: None  # compare with the file read back instead
        read_back = time_saves(library, sop, "output")
        real_since, real_fields = storage._changes_since, storage.changed_fields
        storage._changes_since = lambda _old, _sop: []
        storage.changed_fields = lambda _old, _sop: []
        try:
            without_log = time_saves(library, sop, "keterangan")
        finally:
            Library._saved_copy = real_copy
            storage._changes_since, storage.changed_fields = real_since, real_fields
        sop.lifecycle.status = Status.BERLAKU
        library.save(sop)
        began = time.perf_counter()
        draft = library.begin_revision(sop, dt.date.today(), "Bench")
        revise = time.perf_counter() - began
        print(f"Simpan SOP 300 langkah (median {ROUNDS} kali): dengan catatan perubahan {median_ms(with_log)}; "
              f"bila versi lama dibaca ulang dari berkas {median_ms(read_back)}; tanpa catatan {median_ms(without_log)}")
        print(f"changed_fields saja: {median_ms(diff_only)}")
        print(f"Buat revisi (catatan + draf disimpan): {revise * 1000:.1f} ms; revisi ke-{draft.identity.revisi_ke}")


if __name__ == "__main__":
    main()
