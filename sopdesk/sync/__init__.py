"""Sharing a library through git (dulwich): see engine.py for what one sync does, repo.py for the repository.

The names below are loaded on first use, so that a window (which imports settle.py for its conflict marks)
does not pay for the git transport at start.
"""
from __future__ import annotations

import importlib

__all__ = ["SopConflict", "SyncError", "SyncResult", "pending_conflicts", "settle_conflict", "sync_library"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module(".engine", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
