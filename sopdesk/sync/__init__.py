"""Sharing a library through git (dulwich): see engine.py for what one sync does, repo.py for the repository."""
from .engine import SopConflict, SyncError, SyncResult, pending_conflicts, settle_conflict, sync_library

__all__ = ["SopConflict", "SyncError", "SyncResult", "pending_conflicts", "settle_conflict", "sync_library"]
