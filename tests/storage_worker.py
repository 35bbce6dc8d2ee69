"""Child process for tests/test_storage.py: a second app holding a library, or an app that dies while saving.

Usage: storage_worker.py MODE LIBRARY FIXTURE
  hold        open the library, save the fixture, print "ready <read_only>", keep it open until stdin closes
  save-loop   print "ready", then save SOPs forever: "begin <id> <version>" before each save,
              "saved <id> <version>" after it returns
  save-exit   save three SOPs, trash one, write a recovery copy, then exit without closing (no catalogue flush)
  save-die-before-commit   save the fixture twice as "Versi satu" and "Versi dua" by "Ani", then save it as
              "Versi tiga" by "Budi" and die once its file is written, before its commit (prints "written")
"""
from __future__ import annotations

import os
import sys

from sopdesk.interchange import read_sop_json
from sopdesk.storage import Library, StorageError

LOOP_SOPS = 4


def hold(library: Library, fixture: str) -> None:
    if not library.read_only:
        sop = read_sop_json(fixture)
        sop.id = "dipegang"
        library.save(sop)
    print("ready", library.read_only, flush=True)
    sys.stdin.read()
    library.close()


def save_loop(library: Library, fixture: str) -> None:
    base = read_sop_json(fixture)
    sops = []
    for i in range(LOOP_SOPS):
        try:
            sop = library.load(f"mati{i}")
        except StorageError:
            sop = base.clone()
            sop.id = f"mati{i}"
            sop.identity.revisi_ke = 0
        sops.append(sop)
    print("ready", flush=True)
    count = 0
    while True:
        sop = sops[count % LOOP_SOPS]
        sop.identity.revisi_ke += 1
        # The size changes from save to save, so a torn write could not pass for a whole file.
        sop.steps[0].keterangan = "catatan " * (count % 53)
        print("begin", sop.id, sop.identity.revisi_ke, flush=True)
        library.save(sop)
        print("saved", sop.id, sop.identity.revisi_ke, flush=True)
        count += 1
        if count % 7 == 0:
            library.flush()
        if count % 5 == 0:
            library.write_recovery(sop)


def save_exit(library: Library, fixture: str) -> None:
    for i in range(3):
        sop = read_sop_json(fixture)
        sop.id = f"tanpaflush{i}"
        sop.identity.nama = f"SOP tanpa flush {i}"
        library.save(sop)
    library.trash("tanpaflush2")
    library.write_recovery(sop)
    print("saved", flush=True)
    os._exit(0)  # no close(): the catalogue in memory is never flushed


def save_die_before_commit(library: Library, fixture: str) -> None:
    from sopdesk.sync import journal

    sop = read_sop_json(fixture)
    sop.id = "matisebelumcommit"
    for nama in ("Versi satu", "Versi dua"):
        sop.identity.nama = nama
        library.save(sop, "Ani")

    def die(*_args, **_kwargs):
        print("written", flush=True)
        os._exit(9)  # killed between the file write and the commit

    journal.commit_changes = die
    sop.identity.nama = "Versi tiga"
    library.save(sop, "Budi")


def main() -> None:
    mode, root, fixture = sys.argv[1:4]
    library = Library.open(root)
    {"hold": hold, "save-loop": save_loop, "save-exit": save_exit,
     "save-die-before-commit": save_die_before_commit}[mode](library, fixture)


if __name__ == "__main__":
    main()
