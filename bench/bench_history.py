"""Riwayat versi from the repository at 5,000 SOPs with a few thousand commits.

Printed: one Library.history call (an SOP saved many times, one never changed since the first commit, so
the walk crosses every commit, and one made late), load_revision of its oldest version, one save (the file
and its commit) and what a save adds to sync.git in bytes, the catch-up after a crash, and all of it again
after the loose objects are packed. Goal (README): a save under 50 ms; Riwayat versi opens with no wait felt
(under 300 ms). The library with its history is kept in the system temp folder between runs (--fresh builds
it again from the 5,000-SOP library of bench_library.py).
"""
from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_library import big_library  # noqa: E402
from sopdesk.storage import SESSION_MARKER, Library  # noqa: E402
from sopdesk.sync.history import INDEX_NAME  # noqa: E402
from sopdesk.sync.repo import REPO_DIR  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "sopdesk-bench-history-v1"
DONE_MARKER = "bench-history-complete.txt"
COMMITS = 3000
HOT = 12  # SOPs saved again and again (a third of the saves), the rest spread over the library


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def repo_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / REPO_DIR).rglob("*") if p.is_file())


def loose_count(root: Path) -> int:
    objects = root / REPO_DIR / "objects"
    return sum(1 for d in objects.iterdir() if len(d.name) == 2 for _ in d.iterdir())


def build(fresh: bool) -> tuple[Path, str]:
    marker = CACHE / DONE_MARKER
    if marker.exists() and not fresh:
        return CACHE, marker.read_text(encoding="utf-8").strip()
    source, _note = big_library(fresh=False)
    shutil.rmtree(CACHE, ignore_errors=True)
    shutil.copytree(source, CACHE, ignore=shutil.ignore_patterns(REPO_DIR, "library.lock", "riwayat.tertunda"))
    rng = random.Random(12)
    began = time.perf_counter()
    with Library.open(CACHE) as library:
        converted = time.perf_counter() - began
        ids = [e.id for e in library.entries()]
        hot = ids[:HOT]
        began = time.perf_counter()
        for i in range(COMMITS):
            sop_id = hot[i % HOT] if i % 3 == 0 else rng.choice(ids[HOT:])
            sop = library.load(sop_id)
            sop.steps[i % len(sop.steps)].kegiatan += f" (ubah {i})"
            library.save(sop, user=f"Drafter {i % 7}")
        saving = time.perf_counter() - began
    note = (f"{len(ids)} SOPs, first commit at open {converted:.1f} s, then {COMMITS} saves in {saving:.1f} s "
            f"({ms(saving / COMMITS)} a save with load)")
    marker.write_text(note + "\n", encoding="utf-8")
    return CACHE, note


def time_history(library: Library, sop_id: str, rounds: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(rounds):
        began = time.perf_counter()
        count = len(library.history(sop_id))
        times.append(time.perf_counter() - began)
    return statistics.median(times), count


def report(library: Library, root: Path, label: str) -> None:
    entries = library.entries()
    by_age = sorted(entries, key=lambda e: e.updated_at)
    hot = max(entries[:40], key=lambda e: len(library.history(e.id)))
    cases = [("saved most often", hot.id), ("unchanged since the first commit", by_age[0].id)]
    fresh = library.load(by_age[0].id).clone()
    fresh.id = f"barubench{random.randrange(10**9)}"
    fresh.identity.nama = "SOP baru untuk bench"
    library.save(fresh)
    cases.append(("made just now", fresh.id))
    for name, sop_id in cases:
        elapsed, count = time_history(library, sop_id)
        print(f"[{label}] Library.history, SOP {name}: median {ms(elapsed)} ({count} earlier versions; "
              "goal < 300 ms)")
    oldest = library.history(hot.id)[-1]
    began = time.perf_counter()
    library.load_revision(hot.id, oldest.revision_id)
    print(f"[{label}] load_revision of the oldest version: {ms(time.perf_counter() - began)}")
    sop = library.load(hot.id)
    times, sizes = [], []
    for i in range(20):
        sop.identity.nama = f"{sop.identity.nama.split(' #')[0]} #{i}"
        before = repo_bytes(root)
        began = time.perf_counter()
        library.save(sop, user="Bench")
        times.append(time.perf_counter() - began)
        sizes.append(repo_bytes(root) - before)
    print(f"[{label}] save one SOP (file + commit): median {ms(statistics.median(times))}, max {ms(max(times))} "
          f"(goal < 50 ms); sync.git grows {statistics.median(sizes) / 1024:.1f} KB a save (median)")
    library.trash(fresh.id)
    library.purge(fresh.id)


def without_index(root: Path, label: str) -> None:
    """As after a first clone: no commit of the shared history was made here, so none is in the index yet."""
    index = root / REPO_DIR / INDEX_NAME
    kept = index.read_bytes()
    index.unlink()
    try:
        with Library.open(root) as library:
            sop_id = sorted(library.entries(), key=lambda e: e.updated_at)[0].id
            began = time.perf_counter()
            library.history(sop_id)
            first = time.perf_counter() - began
            elapsed, _count = time_history(library, sop_id)
        print(f"[{label}] Library.history with no index yet (every commit's trees compared once, then kept): "
              f"{ms(first)}; the next call {ms(elapsed)}")
    finally:
        index.write_bytes(kept)


def main() -> None:
    started = time.perf_counter()
    root, note = build(fresh="--fresh" in sys.argv)
    print(f"library: {note}")
    print(f"sync.git: {repo_bytes(root) / 1e6:.1f} MB, {loose_count(root)} loose objects")
    with Library.open(root) as library:
        report(library, root, "loose objects")
    without_index(root, "loose objects")
    (root / SESSION_MARKER).write_text("0", encoding="utf-8")  # as a crashed window leaves it
    began = time.perf_counter()
    Library.open(root).close()
    print(f"open after a crash (full catch-up: every file hashed against the head): "
          f"{ms(time.perf_counter() - began)}")
    work = Path(tempfile.mkdtemp()) / "pustaka"
    try:
        shutil.copytree(root, work)
        with Library.open(work) as library:
            began = time.perf_counter()
            library.repo.repo.object_store.pack_loose_objects()
            print(f"packing the loose objects: {ms(time.perf_counter() - began)}; sync.git now "
                  f"{repo_bytes(work) / 1e6:.1f} MB")
        with Library.open(work) as library:
            report(library, work, "packed")
        without_index(work, "packed")
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
    print(f"bench total: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
