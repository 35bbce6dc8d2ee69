"""File transfers of the main window: JSON, Excel, PDF, Word and folders in; JSON, PDF, Word, Excel out; printing."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from sopdesk.interchange import InterchangeError, dumps, read_sop_json, sop_to_fixture, sop_to_native
from sopdesk.model import Sop, new_id
from sopdesk.sanity import UnprintableError
from sopdesk.storage import LibraryReadOnly, StorageError

from . import dialogs as dlg

ALL_IMPORTABLE = "Semua berkas SOP (*.xlsx *.xlsm *.pdf *.docx *.json)"
_OPEN_FILTERS = {
    "xlsx": ("Impor Excel", "Buku kerja Excel (*.xlsx *.xlsm)"),
    "pdf": ("Impor PDF", "Dokumen PDF (*.pdf)"),
    "docx": ("Impor Word", "Dokumen Word SOP Desk (*.docx)"),
}


class ExportNotice(QWidget):
    """In the status bar after an export: which file was written, and buttons to open it or its folder."""

    def __init__(self, open_url, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self.path = Path()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        layout.addWidget(self.label)
        for text, slot in (("Buka berkas", lambda: self._open_url(QUrl.fromLocalFile(str(self.path)))),
                           ("Buka folder", lambda: self._open_url(QUrl.fromLocalFile(str(self.path.parent)))),
                           ("Tutup", self.hide)):
            button = QToolButton()
            button.setText(text)
            button.setAutoRaise(text == "Tutup")
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.hide()

    def announce(self, kind: str, path: Path) -> None:
        self.path = path
        self.label.setText(f"{kind} diekspor ke {path.name}")
        self.label.setToolTip(str(path))
        self.show()


class TransfersMixin:
    """Mixed into MainWindow; uses its controller, library, preview, dialogs and state."""

    @property
    def export_notice(self) -> ExportNotice:
        """Made on the first export, so the window's own set-up needs no line for it."""
        notice = getattr(self, "_export_notice", None)
        if notice is None:
            # Through self.dialogs, looked up at click time: tests replace it, nothing leaves the desktop.
            notice = self._export_notice = ExportNotice(lambda url: self.dialogs.open_url(url))
            self.statusBar().addWidget(notice)
        return notice

    # ---- JSON ----------------------------------------------------------------------------
    def import_json(self, path: str | None = None) -> bool:
        if path is None:
            path = self.dialogs.open_file("Impor JSON", self.state.last_folder(), "Berkas JSON (*.json)")
        if not path:
            return False
        try:
            sop = read_sop_json(path)
        except InterchangeError as exc:
            self.dialogs.error("Berkas tidak dapat diimpor", str(exc))
            return False
        self.state.set_last_folder(str(Path(path).parent))
        # Only a file that could be read may replace the open SOP: asked after reading, never for a damaged file.
        if not self.confirm_discard():
            return False
        known = {e.id for e in self.library.entries()} | {e.id for e in self.library.list_trash()}
        if sop.id in known:
            # Importing never overwrites a library SOP: a same-id file becomes a new SOP.
            if not self.dialogs.confirm("SOP sudah ada",
                                        "SOP dalam berkas ini sudah ada di pustaka. Impor sebagai SOP baru "
                                        "(salinan)? SOP di pustaka tidak diubah.", yes="Impor sebagai salinan"):
                return False
            sop.id = new_id()
        self._stage_imported_revisions(sop.id, path)
        self.open_document(sop, in_library=False, modified=True)
        return True

    def _stage_imported_revisions(self, sop_id: str, path: str) -> None:
        """Revisions once in force that came inside the file are kept with the SOP's first save."""
        import json

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
            _kept, skipped = self.library.stage_revisions(sop_id, data)
        except (OSError, ValueError, RecursionError):
            return  # read_sop_json already read this file; an SOP without its records is still the SOP
        if skipped:
            self.dialogs.info("Catatan revisi", f"{skipped} catatan revisi di dalam berkas ini rusak dan tidak ikut "
                              "diimpor. SOP dan catatan revisi lainnya diimpor.")

    def import_xlsx(self, path: str | None = None) -> bool:
        """Hand-made or exported sheets: a report first; nothing reaches the library before the user agrees."""
        return self.import_file(path, "xlsx")

    def import_pdf(self, path: str | None = None) -> bool:
        return self.import_file(path, "pdf")

    def import_docx(self, path: str | None = None) -> bool:
        return self.import_file(path, "docx")

    def import_file(self, path: str | None = None, kind: str = "xlsx") -> bool:
        """Any importable file, by its extension; `kind` chooses the dialog's title and first filter.

        The import report comes first; nothing reaches the library before the user agrees, and an
        SOP already there is never replaced without asking.
        """
        from sopdesk.importers import import_any, kind_name

        if path is None:
            title, first = _OPEN_FILTERS[kind]
            path = self.dialogs.open_file(title, self.state.last_folder(),
                                          f"{first};;{ALL_IMPORTABLE};;Semua berkas (*)")
        if not path:
            return False
        shown_kind = kind_name(path) or {"xlsx": "Excel", "pdf": "PDF", "docx": "Word"}.get(kind, "")
        try:
            result = import_any(Path(path))
        except InterchangeError as exc:
            self.dialogs.error(f"Berkas {shown_kind} tidak dapat diimpor", str(exc))
            return False
        self.state.set_last_folder(str(Path(path).parent))
        if not result.sops:
            self.dialogs.error(f"Berkas {shown_kind} tidak dapat diimpor",
                               f"{Path(path).name}: tidak ada SOP yang ditemukan di berkas ini.")
            return False
        # Only a file that could be read may replace the open SOP: asked after reading, never for a damaged file.
        if not self.confirm_discard():
            return False
        chosen = self.dialogs.review_import(result.sops, self._import_preview)
        # The report offers no SOP without steps; a test double (or a future dialog) must not slip one through.
        chosen = [sop for sop in chosen if sop.steps]
        if not chosen:
            return False
        known = {e.id: e.nama for e in self.library.entries()} | {e.id: e.nama for e in self.library.list_trash()}
        kept = []
        for sop in chosen:
            if sop.id in known:
                answer = self.dialogs.ask_import_conflict(known[sop.id] or sop.identity.nama)
                if answer == "skip":
                    continue
                if answer == "copy":
                    sop.id = new_id()
            kept.append(sop)
        if not kept:
            return False
        if len(kept) == 1:
            # One SOP opens in the editor, unsaved, exactly like a new draft.
            self.open_document(kept[0], in_library=False, modified=True)
            return True
        # Several SOPs were reviewed and confirmed together: they go straight into the library.
        saved = 0
        for sop in kept:
            try:
                self.library.save(sop, self.state.user_name())
                saved += 1
            except (StorageError, LibraryReadOnly) as exc:
                self.dialogs.error("Gagal menyimpan hasil impor", str(exc))
                break
        self._flush_timer.start()
        self.refresh_library()
        if saved:
            self.open_document(self.library.load(kept[0].id), in_library=True)
            self.dialogs.info("Impor selesai", f"{saved} SOP diimpor ke pustaka.")
        return saved > 0

    # ---- a whole folder ------------------------------------------------------------------------------
    def import_folder(self, folder: str | None = None):
        """Every importable file under a folder into the library; returns the progress/summary dialog (or None).

        Runs without blocking the window; see ui/folder_import.py.
        """
        from sopdesk.importers import batch

        from .folder_import import FolderImport, FolderImportDialog

        if folder is None:
            folder = self.dialogs.choose_folder("Impor folder", self.state.last_folder())
        if not folder:
            return None
        if self.library.read_only:
            self.dialogs.error("Impor folder tidak dapat dijalankan",
                               f"Pustaka hanya dapat dibaca: {self.library.read_only_reason}")
            return None
        self.controller.commit_pending_edits()
        sources, _problems = batch.find_files([folder], relative=True, exclude=[self.library.root])
        if not sources:
            self.dialogs.info("Impor folder", f"Tidak ada berkas Excel, PDF, Word atau JSON di {folder} "
                                              "maupun subfoldernya.")
            return None
        self.state.set_last_folder(str(folder))
        open_sop = self.controller.sop
        # The SOP open with unsaved changes is never replaced under the user's hands.
        protected = {open_sop.id: "SOP ini sedang dibuka dengan perubahan yang belum disimpan; simpan dulu, "
                                  "lalu impor lagi."} if self.controller.is_modified() else {}
        policy: list[str] = []

        def decide(sop, name, _source):
            if not policy:
                policy.append(self.dialogs.ask_conflict_policy(name))
            if policy[0] == "replace_all":
                return batch.Decision.REPLACE
            if policy[0] == "skip_all":
                return batch.Decision.SKIP
            answer = self.dialogs.ask_import_conflict(name)
            return {"replace": batch.Decision.REPLACE, "copy": batch.Decision.COPY}.get(answer, batch.Decision.SKIP)

        filer = batch.Filer(self.library, decide, protected, user=self.state.user_name())
        run = FolderImport(sources, filer)
        dialog = FolderImportDialog(Path(folder), run, self._save_import_csv, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        run.file_done.connect(lambda _done, _total: self.refresh_library())
        run.finished.connect(lambda _cancelled: self._after_folder_import(filer, open_sop.id))
        self.folder_import_dialog = dialog
        dialog.open()
        run.start()
        return dialog

    def _after_folder_import(self, filer, open_id: str) -> None:
        self._flush_timer.start()
        self.refresh_library()
        # The SOP on screen was replaced by the import (it had no unsaved changes): show the new version.
        if open_id in filer.replaced and self.controller.in_library and not self.controller.is_modified():
            self.open_document(self.library.load(open_id), in_library=True)

    def _save_import_csv(self, rows) -> bool:
        from sopdesk.importers import batch

        suggested = str(Path(self.state.last_folder() or Path.home()) / "laporan-impor.csv")
        path, _chosen = self.dialogs.save_file("Simpan laporan impor", suggested, ["Berkas CSV (*.csv)"])
        if not path:
            return False
        if not path.lower().endswith(".csv"):
            path += ".csv"
        try:
            batch.write_csv(rows, Path(path))
        except OSError as exc:
            self.dialogs.error("Laporan tidak dapat disimpan", f"{path}: {exc.strerror or exc}")
            return False
        self.export_notice.announce("Laporan impor", Path(path))
        return True

    def _import_preview(self, sop: Sop) -> QWidget:
        from .preview import PageCanvas

        canvas = PageCanvas()
        canvas.set_zoom(0.35)
        canvas.set_document(self.preview.lay_out(sop))
        scroll = QScrollArea()
        scroll.setWidget(canvas)
        return scroll

    def export_json(self, path: str | None = None, fixture: bool = False) -> bool:
        if path is None:
            suggested = str(Path(self.state.last_folder() or Path.home()) / f"{_file_name(self.controller.sop)}.json")
            path, chosen = self.dialogs.save_file("Ekspor JSON", suggested,
                                                  [dlg.JSON_FILTER_NATIVE, dlg.JSON_FILTER_FIXTURE])
            if not path:
                return False
            fixture = chosen == dlg.JSON_FILTER_FIXTURE
        self.export_notice.hide()
        sop = self.controller.sop
        data = sop_to_fixture(sop) if fixture else sop_to_native(sop)
        if not fixture and self.controller.in_library:
            data["revisions"] = self.library.export_revisions(sop.id)  # the revisions once in force go along
        text = dumps(data)
        try:
            from sopdesk.atomic import atomic_write_text

            atomic_write_text(Path(path), text)
        except OSError as exc:
            self.dialogs.error("Gagal mengekspor", f"{path}: {exc.strerror or exc}")
            return False
        self.state.set_last_folder(str(Path(path).parent))
        self.export_notice.announce("JSON", Path(path))
        return True

    # ---- page formats ----------------------------------------------------------------------
    def _ask_export_path(self, title: str, extension: str, filter_text: str) -> str:
        folder = Path(self.state.last_folder() or Path.home())
        path, _chosen = self.dialogs.save_file(title, str(folder / f"{_file_name(self.controller.sop)}.{extension}"),
                                               [filter_text])
        if path and not path.lower().endswith(f".{extension}"):
            path += f".{extension}"
        return path

    def export_pdf(self, path: str | None = None) -> bool:
        return self.export_office("pdf", path)

    def export_office(self, extension: str, path: str | None = None) -> bool:
        """PDF, Word or Excel from the same page model the preview shows."""
        from sopdesk import outputs

        title, filter_text, writer = {
            "pdf": ("Ekspor PDF", "Dokumen PDF (*.pdf)", outputs.write_pdf),
            "docx": ("Ekspor Word", "Dokumen Word (*.docx)", outputs.write_docx),
            "xlsx": ("Ekspor Excel", "Buku kerja Excel (*.xlsx)", outputs.write_xlsx),
        }[extension]
        path = path or self._ask_export_path(title, extension, filter_text)
        if not path:
            return False
        self.export_notice.hide()  # a failed export must not look like the last one that worked
        self.preview.refresh()
        try:
            writer(self.controller.sop, Path(path), document=self.preview.document)
        except UnprintableError as exc:  # its message already names the field, in Indonesian
            self.dialogs.error(f"Gagal mengekspor {title.split()[-1]}", f"{exc}\n\nSOP Anda tidak berubah.")
            return False
        except OSError as exc:
            self.dialogs.error(f"Gagal mengekspor {title.split()[-1]}", f"{path}: {exc.strerror or exc}")
            return False
        except Exception as exc:  # a writer's slip must not cost the user the open document
            self.dialogs.error(f"Gagal mengekspor {title.split()[-1]}",
                               f"{path}: terjadi kesalahan saat menulis berkas ({type(exc).__name__}: {exc}). "
                               "SOP Anda tidak berubah.")
            return False
        self.state.set_last_folder(str(Path(path).parent))
        self.export_notice.announce(title.split()[-1], Path(path))
        return True

    def print_document(self) -> None:
        from .printing import print_with_preview

        self.preview.refresh()
        dialog = print_with_preview(self.preview.document, self)
        # Qt names the "Cetak ke berkas (PDF)" file after the document: the SOP's name, not the app's.
        dialog.printer().setDocName(_file_name(self.controller.sop))
        # Deleted once closed, so repeated printing does not pile up previews (each holding its pages).
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.show_print_preview(dialog)


def _file_name(sop: Sop) -> str:
    base = sop.identity.nama or "sop"
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in base)
    return " ".join(keep.split())[:80] or "sop"
