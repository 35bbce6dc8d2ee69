"""Child process for tests/test_lifecycle.py: an app that revises one SOP over and over until it is killed.

Usage: lifecycle_worker.py LIBRARY FIXTURE
Each round puts the SOP in force, then "Buat revisi", then puts the draft in force:
  "begin <n>"    before Buat revisi on revision n (in force)
  "drafted <n>"  after it returned: revision n is kept as a record, revision n+1 is the current draft
  "saved <n>"    after revision n was saved in force
"""
from __future__ import annotations

import datetime as dt
import sys

from sopdesk.interchange import read_sop_json
from sopdesk.model import Status
from sopdesk.storage import Library, StorageError

SOP_ID = "berantai"


def main() -> None:
    root, fixture = sys.argv[1:3]
    library = Library.open(root)
    try:
        sop = library.load(SOP_ID)
    except StorageError:
        sop = read_sop_json(fixture)
        sop.id = SOP_ID
        sop.identity.revisi_ke = 0
        sop.identity.nama = "revisi 0"
    day = dt.date(2020, 1, 1)
    print("ready", flush=True)
    while True:
        number = sop.identity.revisi_ke or 0
        if sop.lifecycle.status is not Status.BERLAKU:
            sop.identity.nama = f"revisi {number}"
            sop.lifecycle.status = Status.BERLAKU
            sop.lifecycle.status_date = day + dt.timedelta(days=number)
            library.save(sop, "Pekerja")
            print("saved", number, flush=True)
        print("begin", number, flush=True)
        sop = library.begin_revision(sop, day + dt.timedelta(days=number), "Pekerja")
        print("drafted", number, flush=True)
        # The size changes from round to round, so a torn write could not pass for a whole file.
        sop.steps[0].keterangan = "catatan " * (number % 41)


if __name__ == "__main__":
    main()
