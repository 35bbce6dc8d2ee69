"""File transfers of the main window: JSON and Excel in; JSON, PDF, Word and Excel out; printing."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from sopdesk.interchange import InterchangeError, dumps, read_sop_json, sop_to_fixture, sop_to_native
from sopdesk.model import Sop, new_id
from sopdesk.sanity import UnprintableError
from sopdesk.storage import LibraryReadOnly, StorageError

from . import dialogs as dlg


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
        if not path or not self.confirm_discard():
            return False
        try:
            sop = read_sop_json(path)
        except InterchangeError as exc:
            self.dialogs.error("Berkas tidak dapat diimpor", str(exc))
            return False
        self.state.set_last_folder(str(Path(path).parent))
        known = {e.id for e in self.library.entries()} | {e.id for e in self.library.list_trash()}
        if sop.id in known:
            # Importing never overwrites a library SOP: a same-id file becomes a new SOP.
            if not self.dialogs.confirm("SOP sudah ada",
                                        "SOP dalam berkas ini sudah ada di pustaka. Impor sebagai SOP baru "
                                        "(salinan)? SOP di pustaka tidak diubah.", yes="Impor sebagai salinan"):
                return False
            sop.id = new_id()
        self.open_document(sop, in_library=False, modified=True)
        return True

    def import_xlsx(self, path: str | None = None) -> bool:
        """Hand-made or exported sheets: a report first; nothing reaches the library before the user agrees."""
        from sopdesk.importers.xlsx import XlsxImportError, import_xlsx

        if path is None:
            path = self.dialogs.open_file("Impor Excel", self.state.last_folder(),
                                          "Buku kerja Excel (*.xlsx *.xlsm);;Semua berkas (*)")
        if not path or not self.confirm_discard():
            return False
        try:
            result = import_xlsx(Path(path))
        except XlsxImportError as exc:
            self.dialogs.error("Berkas Excel tidak dapat diimpor", str(exc))
            return False
        self.state.set_last_folder(str(Path(path).parent))
        chosen = self.dialogs.review_import(result.sops, self._import_preview)
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
                self.library.save(sop)
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
        text = dumps(sop_to_fixture(sop) if fixture else sop_to_native(sop))
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
