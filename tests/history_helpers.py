"""Helpers for the tests of Riwayat versi in the repository: libraries as SOP Desk left them before it, failing commits."""
from __future__ import annotations

import contextlib
import errno
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from sopdesk.interchange import sop_from_fixture
from sopdesk.model import Sop
from sopdesk.storage import Library
from sopdesk.sync import journal
from sopdesk.sync.repo import REPO_DIR, LibraryRepo

from .conftest import load_fixture


def arsip(nama: str = "") -> Sop:
    """The fixture SOP contoh-peminjaman-arsip, named `nama` when given."""
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    if nama:
        sop.identity.nama = nama
    return sop


@contextlib.contextmanager
def commits_fail(error: OSError | None = None) -> Iterator[None]:
    """Every commit to a library's repository raises, as on a full disk (the files are written as usual)."""
    error = error or OSError(errno.ENOSPC, "No space left on device")

    def refuse(*_args, **_kwargs):
        raise error

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(journal, "commit_changes", refuse)
        patch.setattr(journal, "catch_up", refuse)
        yield


def legacy_library(root: Path, versions: list[tuple[object, str]]) -> None:
    """A library as SOP Desk wrote it before the repository: SOP files, and history/ with the replaced versions.

    `versions`: (sop, user) saved in that order. Saved with every commit failing, so each replaced version
    goes to history/ as it did then; then the repository and the pending list are removed.
    """
    with commits_fail():
        with Library.open(root) as lib:
            for sop, user in versions:
                lib.save(sop, user)
    shutil.rmtree(root / REPO_DIR)
    (root / journal.PENDING_NAME).unlink(missing_ok=True)


def head_message(root: Path) -> tuple[str, str]:
    """(author, message) of the head commit of a library's repository."""
    repo = LibraryRepo(root)
    try:
        commit = repo.repo[repo.head()]
        return commit.author.decode("utf-8"), commit.message.decode("utf-8")
    finally:
        repo.close()


def commit_count(root: Path) -> int:
    repo = LibraryRepo(root)
    try:
        head = repo.head()
        seen, todo = set(), [head] if head else []
        while todo:
            commit = todo.pop()
            if commit not in seen:
                seen.add(commit)
                todo.extend(repo.repo[commit].parents)
        return len(seen)
    finally:
        repo.close()


def snapshot_matches_files(root: Path) -> bool:
    """True when the head of the repository holds exactly the library's SOP files."""
    repo = LibraryRepo(root)
    try:
        return repo.snapshot_of(repo.head()) == repo.snapshot_files()
    finally:
        repo.close()
