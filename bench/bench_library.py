"""Library speed at 5 and 5,000 SOPs: bulk save, cold open, full-text filtering, one save, catalogue flush.

Goals: open under 1 s, filter under 50 ms, save under 50 ms (a save is the file written and its commit to
sync.git). Also timed: the one open that converts a library from before the repository (its first commit). Also printed: the catalogue's size (it keeps every
SOP's searchable words) and the one open that rebuilds a catalogue written before those words were kept. The 5,000-SOP library is kept in the
system temp folder between runs (delete it, or pass --fresh, to generate it again).
"""
from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.storage import SESSION_MARKER, Library, filter_entries  # noqa: E402

BIG = 5000
CACHE = Path(tempfile.gettempdir()) / "sopdesk-bench-library-v2"
DONE_MARKER = "bench-complete.txt"

COLD_OPEN = """
import sys, time
began = time.perf_counter()
from sopdesk.storage import Library
imported = time.perf_counter()
library = Library.open(sys.argv[1])
count = len(library.entries())
opened = time.perf_counter()
library.close()
print(f"{(imported - began) * 1000:.1f} {(opened - imported) * 1000:.1f} {count}")
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fill(root: Path, count: int, seed: int) -> float:
    """Save `count` new SOPs; every third is edited and saved again, so a third of them have a history."""
    rng = random.Random(seed)
    began = time.perf_counter()
    with Library.open(root) as library:
        for i in range(count):
            sop = generate_sop(rng, rng.randint(20, 50), rng.randint(4, 8))
            library.save(sop)
            if i % 3 == 0:
                sop.steps[0].kegiatan += " (revisi)"
                library.save(sop)
    return time.perf_counter() - began


def big_library(fresh: bool) -> tuple[Path, str]:
    marker = CACHE / DONE_MARKER
    if marker.exists() and not fresh:
        return CACHE, f"reused from {CACHE} (built earlier: {marker.read_text(encoding='utf-8').strip()})"
    shutil.rmtree(CACHE, ignore_errors=True)
    elapsed = fill(CACHE, BIG, seed=2012)
    size = sum(p.stat().st_size for p in (CACHE / "sops").iterdir())
    saves = BIG + (BIG + 2) // 3
    note = (f"{BIG} SOPs ({saves} saves, one by one) in {elapsed:.1f} s ({ms(elapsed / saves)} a save, "
            f"{size / 1e6:.0f} MB of SOP files)")
    marker.write_text(note + "\n", encoding="utf-8")
    return CACHE, note


def median_save(library: Library, rounds: int = 20) -> tuple[float, float]:
    sop = library.load(library.entries()[len(library.entries()) // 2].id)
    times = []
    for i in range(rounds):
        sop.identity.nama = f"{sop.identity.nama.split(' #')[0]} #{i}"
        began = time.perf_counter()
        library.save(sop)
        times.append(time.perf_counter() - began)
    return statistics.median(times), max(times)


def median_flush(library: Library, rounds: int = 5) -> float:
    sop = library.load(library.entries()[0].id)
    times = []
    for _ in range(rounds):
        library.save(sop)
        began = time.perf_counter()
        library.flush()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def cold_open(root: Path, rounds: int = 3) -> tuple[float, float, int]:
    results = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", COLD_OPEN, str(root)], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
        results.append((float(out[0]), float(out[1]), int(out[2])))
    return (statistics.median(r[0] for r in results) / 1000, statistics.median(r[1] for r in results) / 1000,
            results[0][2])


def conversion_open(root: Path) -> tuple[float, int]:
    """The first writable open of a library without sync.git (a copy of the big one): its first commit of every file."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "pustaka"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("sync.git", "library.lock", "riwayat.tertunda"))
        _imports, opening, _count = cold_open(copy, rounds=1)
        size = sum(p.stat().st_size for p in (copy / "sync.git").rglob("*") if p.is_file())
    return opening, size


def upgrade_open(root: Path) -> float:
    """Open a library whose catalogue predates the searchable words: every SOP file is read once, then flushed."""
    catalog = root / "catalog.json"
    kept = catalog.read_bytes()
    data = json.loads(kept)
    for doc in data.get("sops", {}).values():
        doc.pop("search_text", None)
    catalog.write_text(json.dumps(data), encoding="utf-8")
    try:
        _imports, opening, _count = cold_open(root, rounds=1)
    finally:
        catalog.write_bytes(kept)
    return opening


def filter_times(library: Library) -> list[tuple[str, float, int]]:
    entries = library.entries()
    word = next((w for e in entries for w in e.nama.split() if len(w) >= 6), "Penyusunan")
    step = library.load(entries[0].id).steps[3].kegiatan.split()
    step_word = max(step, key=len)
    typed = [word[:n] for n in range(1, 6)] + [f"{word} {entries[0].unit.split()[0]}", entries[0].nomor[:5],
                                                step_word, f"{step_word} {step[0]}"]
    rows = []
    for text in typed:
        times = []
        for _ in range(15):
            began = time.perf_counter()
            shown = filter_entries(entries, text)
            times.append(time.perf_counter() - began)
        rows.append((text, statistics.median(times), len(shown)))
    return rows


def main() -> None:
    began = time.perf_counter()
    root, note = big_library(fresh="--fresh" in sys.argv)
    print(f"bulk: {note}")

    converting, repo_size = conversion_open(root)
    print(f"first open of a library from before the repository (first commit of {BIG} SOPs into sync.git): "
          f"{ms(converting)}, repository {repo_size / 1e6:.1f} MB")
    cold_open(root, rounds=1)  # a catalogue from an older version is brought up to date once, not timed here
    imports, opening, count = cold_open(root)
    print(f"cold open (fresh process, Library.open + entries()): {ms(opening)} for {count} SOPs "
          f"(goal < 1000 ms); importing sopdesk.storage took another {ms(imports)}")

    print(f"catalogue: {(root / 'catalog.json').stat().st_size / 1e6:.1f} MB for {count} SOPs")
    print(f"first open after an update whose catalogue lacks the searchable words (reads every SOP file once): "
          f"{ms(upgrade_open(root))}")

    (root / SESSION_MARKER).write_text("0", encoding="utf-8")  # as a crashed window leaves it
    _imports, crashed, _count = cold_open(root, rounds=1)
    print(f"first open after a crash (also sweeps {BIG // 3 + 1} history folders for temp files): {ms(crashed)}")

    with Library.open(root) as library:
        for text, elapsed, shown in filter_times(library):
            print(f"filter_entries {text!r:32} median {ms(elapsed):>9} ({shown} shown; goal < 50 ms)")
        median, worst = median_save(library)
        print(f"save one SOP at {len(library.entries())} SOPs: median {ms(median)}, max {ms(worst)} (goal < 50 ms)")
        print(f"flush catalogue at {len(library.entries())} SOPs: median {ms(median_flush(library))}")

    with tempfile.TemporaryDirectory() as small_dir:
        small = Path(small_dir) / "pustaka"
        fill(small, 5, seed=5)
        with Library.open(small) as library:
            median, worst = median_save(library)
            print(f"save one SOP at 5 SOPs: median {ms(median)}, max {ms(worst)} (goal < 50 ms)")
            print(f"flush catalogue at 5 SOPs: median {ms(median_flush(library))}")
    print(f"bench total: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
