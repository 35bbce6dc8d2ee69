"""The shared library's password: in the operating system's keyring, never in the settings file.

The keyring (Windows Credential Manager, the macOS Keychain, a Linux secret service) keeps it under the
service "SOP Desk" with the location and account name as its key. A PC without a keyring (a Linux PC
with no secret service) keeps it in memory for the session only, and Preferensi says so.
"""
from __future__ import annotations

import importlib

SERVICE = "SOP Desk"
NO_KEYRING_NOTE = ("Kata sandi tidak dapat disimpan di PC ini; akan ditanyakan sekali setiap kali SOP Desk "
                   "dibuka.")


def _keyring():
    """The keyring package, imported on first use: it costs a window's start a tenth of a second otherwise."""
    importlib.import_module("keyring.errors")
    return importlib.import_module("keyring")


def key_of(location: str, account: str) -> str:
    return f"{account.strip()}@{location.strip()}"


def _backend_unusable() -> bool:
    backend = _keyring().get_keyring()
    module = type(backend).__module__
    # The fail backend raises on every call; the null backend forgets what it is given.
    return module in ("keyring.backends.fail", "keyring.backends.null")


class PasswordStore:
    """One per window session: the keyring when there is one, memory for the session always."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}
        self._keyring_failed = False

    def keyring_usable(self) -> bool:
        if self._keyring_failed:
            return False
        try:
            return not _backend_unusable()
        except Exception:  # noqa: BLE001 - a broken keyring set-up is the same as none
            return False

    def get(self, location: str, account: str) -> str | None:
        """The password, or None when none is known (never stored, or no keyring and not asked yet)."""
        key = key_of(location, account)
        if key in self._memory:
            return self._memory[key]
        if not self.keyring_usable():
            return None
        try:
            password = _keyring().get_password(SERVICE, key)
        except Exception:  # noqa: BLE001 - a locked or broken keyring: ask for it instead
            self._keyring_failed = True
            return None
        if password is not None:
            self._memory[key] = password
        return password

    def set(self, location: str, account: str, password: str) -> bool:
        """Keep the password; True when the keyring holds it, False when only this session does."""
        key = key_of(location, account)
        self._memory[key] = password
        if not self.keyring_usable():
            return False
        try:
            _keyring().set_password(SERVICE, key, password)
        except Exception:  # noqa: BLE001 - keep it in memory; Preferensi tells the user
            self._keyring_failed = True
            return False
        return True

    def forget(self, location: str, account: str) -> None:
        """Drop a password no longer used (the location or account changed)."""
        key = key_of(location, account)
        self._memory.pop(key, None)
        if not self.keyring_usable():
            return
        try:
            _keyring().delete_password(SERVICE, key)
        except _keyring().errors.PasswordDeleteError:
            pass  # none was stored
        except Exception:  # noqa: BLE001 - nothing more to do about a broken keyring here
            self._keyring_failed = True

    def has(self, location: str, account: str) -> bool:
        return self.get(location, account) is not None
