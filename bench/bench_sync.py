"""Sync speed: a library of N SOPs on two PCs, 20 SOPs changed on each side (one SOP on both, merged by steps).

Printed: first sync (the push of the library's history, every save a commit, to an empty shared folder), first
sync of the second PC (its "clone": receiving every SOP) with the size of the shared repository and of the
second PC's repository, then the timed case:
PC A syncs its 20 changes, PC B syncs its 20 and receives A's, PC A receives B's. Goal in issue 12: under 5 s at
5,000 SOPs. Usage: bench_sync.py [N ...] (default 500 5000).
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.storage import Library  # noqa: E402
from sopdesk.sync import sync_library  # noqa: E402


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def edit(root: Path, ids: list[str], who: str, step: int) -> None:
    with Library.open(root) as library:
        for sop_id in ids:
            sop = library.load(sop_id)
            target = sop.steps[min(step, len(sop.steps) - 1)] if step >= 0 else sop.steps[0]
            target.kegiatan = f"{target.kegiatan} (diubah {who})"
            library.save(sop, user=who)


def timed(label: str, root: Path, **kwargs) -> float:
    """One sync, timed; also how long it held the library (from "Menggabungkan" to the next phase or the end),
    which is how long a save in the window may wait for it."""
    marks: list[tuple[str, float]] = []
    began = time.perf_counter()
    result = sync_library(root, progress=lambda text, done, total: marks.append((text, time.perf_counter())),
                          **kwargs)
    ended = time.perf_counter()
    seconds = ended - began
    held, start = 0.0, None
    for text, moment in marks:
        if start is not None and text != "Menggabungkan":
            held, start = held + moment - start, None
        if text == "Menggabungkan" and start is None:
            start = moment
    if start is not None:
        held += ended - start
    extra = f"  ({len(result.received)} diterima, {len(result.sent)} dikirim, {len(result.merged)} digabung; " \
        f"pustaka dipegang {held:.2f} s)"
    print(f"  {label:<44} {seconds:7.2f} s{extra}")
    return seconds


def run(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="sopdesk-bench-sync-"))
    try:
        a, b, shared = work / "pc-a", work / "pc-b", str(work / "bersama.git")
        rng = random.Random(12)
        ids = []
        began = time.perf_counter()
        with Library.open(a) as library:
            for _ in range(count):
                sop = generate_sop(rng, steps=rng.randint(6, 14), actors=rng.randint(2, 5))
                library.save(sop, user="Bench")
                ids.append(sop.id)
        print(f"{count} SOP (dibuat dalam {time.perf_counter() - began:.1f} s):")
        timed("sinkron pertama PC A (kirim semua)", a, remote=shared, user="A")
        timed("sinkron pertama PC B (menerima semua)", b, remote=shared, user="B")
        print(f"  ukuran pustaka bersama: {folder_size(Path(shared)) / 1e6:.1f} MB; "
              f"repositori di PC B: {folder_size(b / 'sync.git') / 1e6:.1f} MB")
        picked = rng.sample(ids, 39)
        both = picked[0]
        edit(a, [both, *picked[1:20]], "A", step=0)  # 20 on A
        edit(b, [both, *picked[20:]], "B", step=5)  # 20 on B, one of them also changed on A
        total = timed("PC A: kirim 20 perubahan", a, user="A")
        total += timed("PC B: kirim 20, terima 20, gabung 1", b, user="B")
        total += timed("PC A: terima 20", a, user="A")
        print(f"  jumlah tiga sinkron dengan 20 perubahan per sisi: {total:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sizes = [int(arg) for arg in sys.argv[1:]] or [500, 5000]
    os.environ.setdefault("SOPDESK_HOME", tempfile.mkdtemp(prefix="sopdesk-bench-home-"))
    for size in sizes:
        run(size)
