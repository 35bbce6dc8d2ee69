"""The library's lock: one window writes, every other window reads.

Split from storage.py. The lock is an OS lock (released when a process dies), and its holder checks
before every write that the lock file is still the one it locked.
"""
from __future__ import annotations

import errno
import inspect
import os
from pathlib import Path
from typing import Any

import filelock

from .atomic import IS_WINDOWS
from .library_files import READ_ONLY_MESSAGE, StorageError, os_message

LOCK_NAME = "library.lock"
LOCK_TIMEOUT = 0.3

def os_lock(root: Path, on_acquired: Any = None) -> filelock.BaseFileLock:
    options: dict[str, Any] = {"timeout": LOCK_TIMEOUT, "thread_local": False}
    parameters = inspect.signature(filelock.FileLock.__init__).parameters
    # A marker-file lock would outlive a crashed window and shut the user out; filelock 4 would fall back to
    # one on a filesystem without flock unless told not to (older versions refuse on their own).
    if "fallback_to_soft" in parameters:
        options["fallback_to_soft"] = False
    # Release must never unlink the path: after our file was deleted, that name may be another copy's lock.
    if "preserve_lock_file" in parameters:
        options["preserve_lock_file"] = True
    if on_acquired is not None and "on_acquired" in parameters:
        options["on_acquired"] = on_acquired
    return filelock.FileLock(root / LOCK_NAME, **options)


class HeldLock:
    """The OS lock on library.lock, and the identity of the very file it locks.

    flock locks a file, not a name: when someone deletes library.lock, a second copy creates a new
    file under the same name and locks that one too. So before every write the holder checks that
    the name still leads to the file it locked. Windows refuses to delete a file that filelock holds
    open, so there the check is skipped (its file ids are not worth the risk of a false alarm).
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME
        self.identity: tuple[int, int] | None = None
        self.lock = os_lock(root, self._on_acquired)

    def _on_acquired(self, fd: int) -> None:
        info = os.fstat(fd)
        self.identity = (info.st_dev, info.st_ino)

    def acquire(self) -> None:
        self.lock.acquire()
        if self.identity is None:  # a filelock without on_acquired: the name, just after locking, is the next best
            try:
                self._on_acquired_path()
            except OSError:
                pass

    def _on_acquired_path(self) -> None:
        info = os.stat(self.path)
        self.identity = (info.st_dev, info.st_ino)

    def still_ours(self) -> bool:
        if IS_WINDOWS or self.identity is None or self.identity[1] == 0:
            return True  # nothing to compare (or, on Windows, nothing that could have happened)
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self.identity

    def release(self) -> None:
        self.lock.release()


def lock_error(root: Path, exc: BaseException) -> StorageError:
    if isinstance(exc, NotImplementedError) or getattr(exc, "errno", None) == errno.ENOSYS:
        return StorageError(f"Folder {root} tidak mendukung penguncian berkas (misalnya sebagian folder jaringan), "
                            "sehingga dua jendela dapat saling merusak pustaka. Pilih folder di disk komputer ini.")
    assert isinstance(exc, OSError)
    return StorageError(os_message("mengunci", root / LOCK_NAME, exc))


def take_lock(root: Path) -> tuple[HeldLock | None, str]:
    """The lock, or None and why this window may only read (Indonesian): never an error that keeps the library shut."""
    held = HeldLock(root)
    try:
        held.acquire()
    except filelock.Timeout:
        return None, READ_ONLY_MESSAGE
    except (OSError, NotImplementedError) as exc:
        # A full disk, a read-only folder or a share without locking: reading is still safe, writing is not.
        return None, f"{lock_error(root, exc)} Karena itu pustaka dibuka hanya-baca."
    return held, ""
