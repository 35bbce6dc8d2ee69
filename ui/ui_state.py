"""Preferences and window state, kept in one QSettings file that tests point at a temp folder."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from sopdesk.model import IdLabel, Logo, PageSettings, Signer, Sop

DEFAULT_SYNC_MINUTES, MIN_SYNC_MINUTES, MAX_SYNC_MINUTES = 5, 1, 240


@dataclass
class Profile:
    """What a new SOP starts with: the user's institution, units, logo and usual signer."""

    instansi: str = ""
    unit_lines: list[str] = field(default_factory=list)
    logo_path: str = ""
    signer_jabatan: str = ""
    signer_nama: str = ""
    signer_id_label: str = "NIP"
    signer_id_number: str = ""

    def apply_to(self, sop: Sop) -> None:
        ident = sop.identity
        ident.instansi = self.instansi
        ident.unit_lines = list(self.unit_lines)
        ident.signer = Signer(self.signer_jabatan, self.signer_nama, IdLabel(self.signer_id_label),
                              self.signer_id_number)
        if self.logo_path:
            path = Path(self.logo_path)
            try:
                ident.logo = Logo(path.read_bytes(), logo_extension(path))
            except OSError:
                ident.logo = None  # a moved logo file must not stop a new SOP


def logo_extension(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return "jpg" if suffix == "jpeg" else suffix


class UiState:
    """One door to QSettings: an INI file, at `path` in tests, in the user's profile otherwise."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self._settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "SOP Desk", "SOP Desk")
        else:
            self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._settings.sync()

    # ---- library ---------------------------------------------------------------------
    def library_dir(self) -> str:
        return str(self._settings.value("pustaka/folder", "") or "")

    def set_library_dir(self, path: str) -> None:
        self._settings.setValue("pustaka/folder", path)

    # ---- user and review (Preferensi) -------------------------------------------------
    def user_name(self) -> str:
        """The name every save records in the history ("who changed what"); "" until set in Preferensi."""
        return str(self._settings.value("pengguna/nama", "") or "")

    def set_user_name(self, name: str) -> None:
        self._settings.setValue("pengguna/nama", " ".join(name.split()))

    def review_months_default(self) -> int:
        """Months from Tanggal Efektif to the review of an SOP that sets no interval of its own."""
        from sopdesk.lifecycle import DEFAULT_REVIEW_MONTHS, MAX_REVIEW_MONTHS, MIN_REVIEW_MONTHS

        months = _as_int(self._settings.value("tinjau/bulan", DEFAULT_REVIEW_MONTHS))
        return months if MIN_REVIEW_MONTHS <= months <= MAX_REVIEW_MONTHS else DEFAULT_REVIEW_MONTHS

    def set_review_months_default(self, months: int) -> None:
        self._settings.setValue("tinjau/bulan", int(months))

    # ---- shared library (Preferensi › Pustaka bersama); the password is in the keyring (ui/sync_secrets.py) --
    def shared_location(self) -> str:
        """The shared repository: a folder on the office server or a git server's URL; "" when not shared."""
        return str(self._settings.value("bersama/lokasi", "") or "").strip()

    def set_shared_location(self, location: str) -> None:
        location = location.strip()
        if location != self.shared_location():
            self._settings.remove("bersama/terakhir")  # "last synced" belongs to the old location
        self._settings.setValue("bersama/lokasi", location)

    def shared_account(self) -> str:
        """The account name on a git server (for a URL); never the password."""
        return str(self._settings.value("bersama/akun", "") or "").strip()

    def set_shared_account(self, name: str) -> None:
        self._settings.setValue("bersama/akun", name.strip())

    def auto_sync(self) -> bool:
        return str(self._settings.value("bersama/otomatis", "true")).lower() in ("true", "1")

    def set_auto_sync(self, on: bool) -> None:
        self._settings.setValue("bersama/otomatis", "true" if on else "false")

    def auto_sync_minutes(self) -> int:
        minutes = _as_int(self._settings.value("bersama/menit", DEFAULT_SYNC_MINUTES))
        return minutes if MIN_SYNC_MINUTES <= minutes <= MAX_SYNC_MINUTES else DEFAULT_SYNC_MINUTES

    def set_auto_sync_minutes(self, minutes: int) -> None:
        self._settings.setValue("bersama/menit", int(minutes))

    def last_sync(self) -> dt.datetime | None:
        """When this PC last reached the shared library (aware, local time), kept across sessions."""
        try:
            moment = dt.datetime.fromisoformat(str(self._settings.value("bersama/terakhir", "") or ""))
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else moment.astimezone()

    def set_last_sync(self, moment: dt.datetime) -> None:
        self._settings.setValue("bersama/terakhir", moment.isoformat(timespec="seconds"))

    # ---- profile ---------------------------------------------------------------------
    def profile(self) -> Profile:
        raw = self._settings.value("profil/json", "")
        try:
            data = json.loads(raw) if raw else {}
            return Profile(**{k: v for k, v in data.items() if k in Profile.__dataclass_fields__})
        except (TypeError, ValueError):
            return Profile()

    def set_profile(self, profile: Profile) -> None:
        self._settings.setValue("profil/json", json.dumps(asdict(profile), ensure_ascii=False))

    # ---- default page settings -------------------------------------------------------
    def page_defaults(self) -> PageSettings:
        raw = self._settings.value("halaman/json", "")
        try:
            data = json.loads(raw) if raw else {}
            return PageSettings(**{k: v for k, v in data.items() if k in PageSettings.__dataclass_fields__})
        except (TypeError, ValueError):
            return PageSettings()

    def set_page_defaults(self, page: PageSettings) -> None:
        self._settings.setValue("halaman/json", json.dumps(asdict(page)))

    # ---- window ----------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._settings.value("jendela/geometri")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, value: QByteArray) -> None:
        self._settings.setValue("jendela/geometri", value)

    def last_folder(self) -> str:
        return str(self._settings.value("jendela/folder_terakhir", "") or "")

    def set_last_folder(self, path: str) -> None:
        self._settings.setValue("jendela/folder_terakhir", path)

    # ---- layout of the window, restored at the next start --------------------------------
    def window_state(self) -> QByteArray | None:
        value = self._settings.value("jendela/tata_letak")
        return value if isinstance(value, QByteArray) else None

    def set_window_state(self, value: QByteArray) -> None:
        self._settings.setValue("jendela/tata_letak", value)

    def current_tab(self) -> int:
        return _as_int(self._settings.value("jendela/tab", 0))

    def set_current_tab(self, index: int) -> None:
        self._settings.setValue("jendela/tab", int(index))

    def preview_zoom(self) -> float | None:
        """The preview's zoom chosen by hand, or None while the pages follow the panel's width."""
        try:
            value = float(self._settings.value("pratinjau/zoom", 0) or 0)
        except (TypeError, ValueError):
            return None
        return value if value > 0 else None

    def set_preview_zoom(self, zoom: float | None) -> None:
        self._settings.setValue("pratinjau/zoom", float(zoom or 0))

    def last_sop(self) -> str:
        return str(self._settings.value("jendela/sop_terakhir", "") or "")

    def set_last_sop(self, sop_id: str) -> None:
        self._settings.setValue("jendela/sop_terakhir", sop_id)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
