"""Indonesian for Qt's own texts (file and print dialogs, buttons, context menus, key names), installed once."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

# Qt 6 ships no qtbase_id.qm (PySide6 neither), so the strings a user of SOP Desk meets are kept here,
# by Qt's translation context. A text not listed stays as Qt has it; an official .qm, when a Qt
# installation has one, is installed after this table and so wins.
_BUTTONS = {
    "OK": "OK", "Save": "Simpan", "Save All": "Simpan semua", "Open": "Buka", "&Yes": "&Ya",
    "Yes to &All": "Ya untuk &semua", "&No": "&Tidak", "N&o to All": "T&idak untuk semua", "Abort": "Hentikan",
    "Retry": "Coba lagi", "Ignore": "Abaikan", "Close": "Tutup", "Cancel": "Batal", "Discard": "Buang",
    "Help": "Bantuan", "Apply": "Terapkan", "Reset": "Atur ulang", "Restore Defaults": "Kembalikan bawaan",
    "Don't Save": "Jangan simpan", "Close without Saving": "Tutup tanpa menyimpan",
}
_TEXT_MENU = {
    "&Undo": "&Urungkan", "&Redo": "U&langi", "Cu&t": "Po&tong", "&Copy": "&Salin", "&Paste": "&Tempel",
    "Delete": "Hapus", "Select All": "Pilih semua", "Copy &Link Location": "Salin &alamat tautan",
}

TABLE: dict[str, dict[str, str]] = {
    "QPlatformTheme": _BUTTONS,
    "QDialogButtonBox": _BUTTONS,
    "QMessageBox": {
        **_BUTTONS, "Show Details...": "Tampilkan rincian...", "Hide Details...": "Sembunyikan rincian...",
    },
    "QLineEdit": _TEXT_MENU,
    "QWidgetTextControl": _TEXT_MENU,
    "QAbstractSpinBox": {"&Select All": "&Pilih semua", "&Step up": "&Naikkan", "Step &down": "&Turunkan"},
    "QInputDialog": {"Enter a value:": "Masukkan nilai:"},
    "QTabBar": {"Scroll Left": "Gulir ke kiri", "Scroll Right": "Gulir ke kanan"},
    "QFileDialog": {
        "&Open": "&Buka", "&Save": "&Simpan", "&Choose": "&Pilih", "Open": "Buka", "Save As": "Simpan sebagai",
        "Find Directory": "Cari folder", "&Look in:": "&Cari di:", "Look in:": "Cari di:",
        "File &name:": "&Nama berkas:", "Files of &type:": "&Jenis berkas:", "Directory:": "Folder:",
        "All Files (*)": "Semua berkas (*)", "Directories": "Folder", "Files": "Berkas", "Back": "Kembali",
        "Forward": "Maju", "Go back": "Kembali", "Go forward": "Maju", "Parent Directory": "Folder induk",
        "Go to the parent directory": "Ke folder induk", "Create New Folder": "Buat folder baru",
        "Create a New Folder": "Buat folder baru", "&New Folder": "Folder &baru", "New Folder": "Folder baru",
        "List View": "Tampilan daftar", "Detail View": "Tampilan rinci",
        "Change to list view mode": "Ganti ke tampilan daftar", "Change to detail view mode": "Ganti ke tampilan rinci",
        "Sidebar": "Bilah samping", "List of places and bookmarks": "Daftar tempat dan penanda",
        "&Delete": "&Hapus", "&Rename": "&Ubah nama", "Show &hidden files": "Tampilkan berkas &tersembunyi",
        "Recent Places": "Tempat terakhir", "My Computer": "Komputer", "Computer": "Komputer",
        "%1 already exists.\nDo you want to replace it?": "%1 sudah ada.\nGanti berkas itu?",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nBerkas tidak ditemukan.\nPeriksa kembali nama berkasnya.",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nFolder tidak ditemukan.\nPeriksa kembali nama foldernya.",
        "'%1' is write protected.\nDo you want to delete it anyway?":
            "'%1' dilindungi dari penulisan.\nTetap hapus?",
        "Are you sure you want to delete '%1'?": "Yakin ingin menghapus '%1'?",
        "Could not delete directory.": "Folder tidak dapat dihapus.", "Delete": "Hapus",
        "Invalid file name": "Nama berkas tidak sah",
    },
    "QFileSystemModel": {
        "Name": "Nama", "Size": "Ukuran", "Type": "Jenis", "Kind": "Jenis", "Date Modified": "Tanggal diubah",
        "Computer": "Komputer", "My Computer": "Komputer", "Folder": "Folder", "Drive": "Drive",
        "%1 File": "Berkas %1", "File": "Berkas", "Unknown": "Tidak diketahui",
    },
    "QAbstractFileIconProvider": {"Folder": "Folder", "Drive": "Drive", "File": "Berkas"},
    "QPrintDialog": {
        "Print": "Cetak", "&Print": "&Cetak", "&Options >>": "&Pilihan >>", "&Options <<": "&Pilihan <<",
        "Print to File (PDF)": "Cetak ke berkas (PDF)", "Local file": "Berkas lokal", "Write PDF file":
            "Tulis berkas PDF", "Print To File ...": "Cetak ke berkas ...", "All Pages": "Semua halaman",
        "Odd Pages": "Halaman ganjil", "Even Pages": "Halaman genap", "File exists": "Berkas sudah ada",
        "<qt>Do you want to overwrite it?</qt>": "<qt>Timpa berkas itu?</qt>",
        "%1 is a directory.\nPlease choose a different file name.":
            "%1 adalah folder.\nPilih nama berkas yang lain.",
        "File %1 is not writable.\nPlease choose a different file name.":
            "Berkas %1 tidak dapat ditulisi.\nPilih nama berkas yang lain.",
        "Print range": "Rentang cetak", "Print all": "Cetak semua", "Pages from": "Halaman dari", "to": "sampai",
        "Selection": "Pilihan", "Current Page": "Halaman ini", "Copies": "Salinan",
    },
    "QPrintWidget": {
        "Printer": "Pencetak", "&Name:": "&Nama:", "P&roperties": "P&roperti", "Location:": "Lokasi:",
        "Preview": "Pratinjau", "Type:": "Jenis:", "Output &file:": "&Berkas keluaran:", "Form": "Formulir",
    },
    "QPrintSettingsOutput": {
        "Copies": "Salinan", "Copies:": "Salinan:", "Collate": "Susun per set", "Reverse": "Urutan terbalik",
        "Options": "Pilihan", "Color Mode": "Mode warna", "Color": "Berwarna", "Grayscale": "Skala abu-abu",
        "Double Sided Printing": "Cetak bolak-balik", "Off": "Mati", "Long side binding": "Jilid sisi panjang",
        "Short side binding": "Jilid sisi pendek", "Print range": "Rentang cetak", "Print all": "Cetak semua",
        "Pages from": "Halaman dari", "to": "sampai", "Pages": "Halaman", "Current Page": "Halaman ini",
        "Selection": "Pilihan", "Page &Set:": "&Set halaman:", "Output Settings": "Pengaturan keluaran",
        "Form": "Formulir",
        "Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. "
        "E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.":
            "Tulis halaman atau rentang, dipisahkan koma. Rentang ditulis dua angka dengan tanda hubung. "
            "Misalnya 3,5-7,9 mencetak halaman 3, 5, 6, 7 dan 9.",
    },
    "QPageSetupWidget": {
        "Paper": "Kertas", "Page size:": "Ukuran kertas:", "Width:": "Lebar:", "Height:": "Tinggi:",
        "Paper source:": "Sumber kertas:", "Orientation": "Orientasi", "Portrait": "Tegak", "Landscape": "Mendatar",
        "Reverse landscape": "Mendatar terbalik", "Reverse portrait": "Tegak terbalik", "Margins": "Margin",
        "top margin": "margin atas", "left margin": "margin kiri", "right margin": "margin kanan",
        "bottom margin": "margin bawah", "Page Layout": "Tata letak halaman", "Page &order:": "&Urutan halaman:",
        "Pages &per sheet:": "Halaman &per lembar:", "Millimeters (mm)": "Milimeter (mm)", "Inches (in)":
            "Inci (in)", "Points (pt)": "Poin (pt)", "Custom": "Ukuran sendiri", "Form": "Formulir",
    },
    "QPageSize": {"Custom": "Ukuran sendiri", "Folio (8.27 x 13 in)": "Folio/F4 (8,27 x 13 in)"},
    "QPrintPreviewDialog": {
        "Print Preview": "Pratinjau cetak", "Next page": "Halaman berikutnya", "Previous page": "Halaman sebelumnya",
        "First page": "Halaman pertama", "Last page": "Halaman terakhir", "Fit width": "Pas lebar",
        "Fit page": "Pas halaman", "Zoom in": "Perbesar", "Zoom out": "Perkecil", "Portrait": "Tegak",
        "Landscape": "Mendatar", "Show single page": "Satu halaman", "Show facing pages": "Dua halaman berhadapan",
        "Show overview of all pages": "Semua halaman", "Print": "Cetak", "Page setup": "Pengaturan halaman",
        "Page Setup": "Pengaturan halaman", "Close": "Tutup", "Export to PDF": "Ekspor ke PDF",
    },
    # Key names as menus show them (QKeySequence NativeText). Indonesian keyboards carry English legends,
    # so names printed on the keys stay (Ctrl, Alt, Shift, Del, Ins, Home, End, PgUp, PgDown, Esc, Tab,
    # Enter, Backspace); only the arrow keys and the space bar, which have no word on them, are named.
    "QShortcut": {
        "Up": "Atas", "Down": "Bawah", "Left": "Kiri", "Right": "Kanan", "Space": "Spasi",
    },
}


class IndonesianQtTranslator(QTranslator):
    """Looks Qt's own strings up in TABLE; returns None (no translation) for everything else."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return TABLE.get(context, {}).get(source_text)

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []  # kept referenced: Qt holds translators by raw pointer


def official_qm_files() -> list[str]:
    """Qt's own Indonesian catalogues, where the Qt installation ships them (Qt 6.x: none so far)."""
    from pathlib import Path

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    return [str(folder / name) for name in ("qtbase_id.qm", "qt_id.qm") if (folder / name).is_file()]


def install(app: QCoreApplication | None = None) -> None:
    """Install once per application: the table first, then any official .qm (installed later = asked first)."""
    app = app or QCoreApplication.instance()
    if app is None or any(t.parent() is app for t in _installed if _alive(t)):
        return
    _installed.clear()
    ours = IndonesianQtTranslator(app)
    app.installTranslator(ours)
    _installed.append(ours)
    for path in official_qm_files():
        official = QTranslator(app)
        if official.load(path):
            app.installTranslator(official)
            _installed.append(official)


def _alive(translator: QTranslator) -> bool:
    from shiboken6 import isValid

    return isValid(translator)
