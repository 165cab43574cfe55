"""Export a table view's rows (filters applied: the caller passes what the view shows) to CSV
or XLSX, marked with the highest classification of those rows (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def _t(text: str) -> str:
    return QCoreApplication.translate("TableExport", text)


def export_filters() -> tuple[str, str]:
    """The save dialog's filters: (CSV, XLSX)."""
    return _t("CSV, UTF-8 (*.csv)"), _t("Excel workbook (*.xlsx)")


def _format_for(path: Path, chosen_filter: str) -> tuple[Path, str]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return path, suffix[1:]
    fmt = "xlsx" if chosen_filter == export_filters()[1] or "xlsx" in chosen_filter else "csv"
    return path.with_name(path.name + "." + fmt), fmt


def export_rows(parent: QWidget | None, suggested_name: str, headers: Sequence[str],
                rows: Iterable[Sequence[Any]], classification: str | Iterable[str],
                folder: str = "", write=None) -> Path | None:
    """Ask where to save, then write the rows as CSV or XLSX (by the extension, else the
    chosen filter). `classification` is the level to mark, or the levels of the rows (the
    highest is marked). Returns the path written, or None (cancelled, or the error shown
    as one sentence). `write(path, fmt) -> Path`, when given, writes the file instead (an
    export whose rows and marking its service works out, e.g. the whole audit trail)."""
    from missiondesk.services.table_io import export_table
    from missiondesk.store.vocab import Classification

    if isinstance(classification, str):
        level = Classification(classification).value
    else:
        level = Classification.highest(classification).value
    csv_filter, xlsx_filter = export_filters()
    start = Path(folder) / suggested_name if folder else Path(suggested_name)
    chosen, selected = QFileDialog.getSaveFileName(
        parent, _t("Export"), str(start), ";;".join((csv_filter, xlsx_filter)),
        xlsx_filter if start.suffix.lower() == ".xlsx" else csv_filter)
    if not chosen:
        return None
    path, fmt = _format_for(Path(chosen), selected)
    try:
        if write is not None:
            return write(path, fmt)
        export_table(path, headers, rows, level, fmt)
    except OSError:
        QMessageBox.critical(parent, _t("Export"), _t(
            "MissionDesk could not write {path}: check that the folder exists, that you may "
            "write there and that the file is not open in another program.").format(path=path))
        return None
    return path
