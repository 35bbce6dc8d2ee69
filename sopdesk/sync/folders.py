"""Folder names of the shared library, in the library folder and in the repository's trees (no git needed)."""

REPO_DIR = "sync.git"
PLACES = ("sops", "trash")
CONFLICTS = "conflicts"
