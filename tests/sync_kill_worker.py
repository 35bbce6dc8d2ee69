"""Run one sync and die (os._exit, as a killed process would) at a chosen point.

    python -m tests.sync_kill_worker ROOT write N    at the Nth library file the sync writes (0 = the first)
    python -m tests.sync_kill_worker ROOT fetch N    after N objects of the fetched pack went into sync.git
    python -m tests.sync_kill_worker ROOT push N     after N objects of the pack went to the shared repository
    python -m tests.sync_kill_worker ROOT pushed 0   right after the shared repository took the push
Exit 9 when it died there, 0 when the sync ended before reaching that point.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from dulwich.object_store import PackBasedObjectStore

import sopdesk.sync.engine as engine


def _dying(records, limit: int):
    for count, record in enumerate(records):
        if count == limit:
            os._exit(9)
        yield record


def main() -> None:
    root, point, limit = Path(sys.argv[1]).resolve(), sys.argv[2], int(sys.argv[3])
    if point == "write":
        real_write = engine.atomic_write_bytes
        written = [0]

        def dying_write(path, data):
            if written[0] == limit:
                os._exit(9)
            written[0] += 1
            real_write(path, data)

        engine.atomic_write_bytes = dying_write
    elif point == "fetch":
        real_add = PackBasedObjectStore.add_pack_data

        def dying_add(store, count, records, *args, **kwargs):
            if Path(store.path).resolve().is_relative_to(root):  # into this library's repository
                records = _dying(records, limit)
            return real_add(store, count, records, *args, **kwargs)

        PackBasedObjectStore.add_pack_data = dying_add
    elif point == "push":
        real_pack = engine._pack_data

        def dying_pack(*args, **kwargs):
            count, records = real_pack(*args, **kwargs)
            return count, _dying(records, limit)

        engine._pack_data = dying_pack
    elif point == "pushed":
        real_push = engine._push

        def push_then_die(*args, **kwargs):
            if real_push(*args, **kwargs):
                os._exit(9)
            return False

        engine._push = push_then_die
    else:
        raise SystemExit(f"unknown point {point}")
    engine.sync_library(root)
    os._exit(0)


if __name__ == "__main__":
    main()
