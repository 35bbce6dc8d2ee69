"""Run one sync and die (os._exit, as a killed process would) at the Nth file written: python -m tests.sync_kill_worker ROOT N."""
from __future__ import annotations

import os
import sys

import sopdesk.sync.engine as engine


def main() -> None:
    root, limit = sys.argv[1], int(sys.argv[2])
    real = engine.atomic_write_bytes
    count = [0]

    def dying(path, data):
        if count[0] == limit:
            os._exit(9)
        count[0] += 1
        real(path, data)

    engine.atomic_write_bytes = dying
    engine.sync_library(root)
    os._exit(0)


if __name__ == "__main__":
    main()
