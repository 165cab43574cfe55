"""The Influence map's exports: PNG, SVG, PDF of the view, GraphML and GEXF of what it shows
(a mixin of `MapDesk`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from missiondesk.labels import classification_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.map.items import legend_size, node_colour, paint_legend


class ExportMixin:
    """Exports of the map as shown (see MapDesk)."""

    # --- exports -------------------------------------------------------------------------

    def classification(self) -> str:
        """The highest classification among the actors and relationships shown."""
        from missiondesk.store.vocab import Classification

        graph = self._graph if self._graph is not None else self._graph_all
        if graph is None:
            return Classification.UNCLASSIFIED.value
        levels = [graph.nodes[n].get("classification") or "UNCLASSIFIED"
                  for n in self._visible_nodes if n in graph]
        levels += [attrs.get("classification") or "UNCLASSIFIED"
                   for _u, _v, k, attrs in graph.edges(keys=True, data=True)
                   if str(k) in self._visible_edges]
        return Classification.highest(levels).value

    def title(self) -> str:
        return self.tr("Influence map \u2014 %s") % self._mission_name

    def subtitle(self) -> str:
        t = self.tr
        day = self.as_of()
        parts = [t("as of %s") % (day or date.today()).isoformat(),
                 self.colour_by.currentText().lower(),
                 t("%d actors, %d relationships") % (len(self._visible_nodes),
                                                     len(self._visible_edges))]
        if self.focus_check.isChecked() and self._selected and self._graph_all is not None:
            parts.append(t("within %d step(s) of %s") % (
                self.focus_hops.value(), self._graph_all.nodes[self._selected].get("name")))
        return " \u00b7 ".join(parts)

    def _paint_export(self, painter: QPainter, width: float, height: float) -> None:
        """The current view with title, legend and the classification marking (top and
        bottom), in a `width` x `height` logical page."""
        level = self.classification()
        marking = classification_label(level)
        header, footer = 62.0, 26.0
        painter.fillRect(QRectF(0, 0, width, height), QColor("#ffffff"))
        mark_font = QFont()
        mark_font.setPixelSize(13)
        mark_font.setBold(True)
        marking_colour = QColor("#b3261e" if level != "UNCLASSIFIED" else "#333333")
        painter.setFont(mark_font)
        painter.setPen(marking_colour)
        painter.drawText(QRectF(0, 4, width, 18), Qt.AlignmentFlag.AlignCenter, marking)
        painter.drawText(QRectF(0, height - footer + 4, width, 18),
                         Qt.AlignmentFlag.AlignCenter, marking)
        title_font = QFont()
        title_font.setPixelSize(17)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#1a1a1a"))
        painter.drawText(QRectF(14, 22, width - 28, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title())
        sub_font = QFont()
        sub_font.setPixelSize(11)
        painter.setFont(sub_font)
        painter.setPen(QColor("#555555"))
        painter.drawText(QRectF(14, 43, width - 28, 16),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.subtitle())
        target = QRectF(10, header, width - 20, height - header - footer)
        entries = self.legend_entries()
        columns = 1
        box = legend_size(entries)
        if box.height() > target.height() - 16:
            columns = 2
            box = legend_size(entries, columns=2)
        area, source, corner = self._frame(target, box.size())
        self.scene.render(painter, area, source, Qt.AspectRatioMode.KeepAspectRatio)
        paint_legend(painter, corner, entries, columns=columns)

    #: Names on paper at this share of their screen size (in the page's 96-dpi pixels).
    EXPORT_LABEL_SIZE = 0.9

    def _frame_on(self, area: QRectF) -> tuple[float, QRectF]:
        """Names placed for `area` (page units) and the scene rect of the visible actors
        with their names and a small margin, at the scale that fits it into `area`."""
        rect = QRectF()
        for node_id, item in self.scene.nodes.items():
            if node_id in self._visible_nodes:
                rect = rect.united(item.sceneBoundingRect())
        if self._hull_item is not None and self._hull_item.isVisible():
            rect = rect.united(self._hull_item.sceneBoundingRect())
        if rect.isEmpty():
            return 1.0, QRectF(-100, -100, 200, 200)
        nodes = QRectF(rect)
        scale = 1.0
        for _round in range(3):  # names keep a page size: their scene size follows the scale
            scale = min(area.width() / rect.width(), area.height() / rect.height())
            self.scene.relabel(self.EXPORT_LABEL_SIZE / scale, None, [])
            rect = QRectF(nodes)
            for node_id, item in self.scene.nodes.items():
                if node_id in self._visible_nodes and item.label_item.slot is not None:
                    rect = rect.united(item.label_item.sceneBoundingRect())
            margin = 8.0 / scale
            rect = rect.adjusted(-margin, -margin, margin, margin)
        scale = min(area.width() / rect.width(), area.height() / rect.height())
        return scale, rect

    def _frame(self, target: QRectF, legend: QSizeF) -> tuple[QRectF, QRectF, QPointF]:
        """Where the network goes on the page (`target`, page units), what of the scene it
        shows, and the legend's top-left corner: the network as large as the page allows,
        the legend in a corner it leaves free, else beside or under it."""
        gap = 10.0
        scale, source = self._frame_on(target)

        def shown_at(area: QRectF, scale: float, source: QRectF, box: QRectF) -> QRectF:
            """A page rect in scene units, the scene drawn centred in `area`."""
            centre = area.center()
            return QRectF(source.center().x() + (box.left() - centre.x()) / scale,
                          source.center().y() + (box.top() - centre.y()) / scale,
                          box.width() / scale, box.height() / scale)

        corners = [QPointF(target.left(), target.bottom() - legend.height()),
                   QPointF(target.right() - legend.width(), target.bottom() - legend.height()),
                   QPointF(target.left(), target.top()),
                   QPointF(target.right() - legend.width(), target.top())]
        for corner in corners:
            box = QRectF(corner, legend).adjusted(-gap, -gap, gap, gap)
            covered = shown_at(target, scale, source, box)
            if not any(covered.intersects(item.sceneBoundingRect())
                       or (item.label_item.slot is not None
                           and covered.intersects(item.label_item.sceneBoundingRect()))
                       for node_id, item in self.scene.nodes.items()
                       if node_id in self._visible_nodes):
                return target, source, corner
        beside = target.adjusted(legend.width() + gap, 0, 0, 0)
        under = target.adjusted(0, 0, 0, -(legend.height() + gap))
        beside_fit = self._frame_on(beside)
        under_fit = self._frame_on(under)
        if beside_fit[0] >= under_fit[0]:
            self._frame_on(beside)  # names placed for the chosen frame
            return beside, beside_fit[1], QPointF(target.left(),
                                                  target.bottom() - legend.height())
        self._frame_on(under)
        return under, under_fit[1], QPointF(target.left(), target.bottom() - legend.height())

    def _export_size(self) -> QSize:
        viewport = self.view.viewport().size()
        return QSize(max(viewport.width(), 640), max(viewport.height(), 420) + 88)

    def export_image(self, path: Path | str, fmt: str) -> Path:
        """Write the current view as PNG, SVG or PDF; raises OSError when it cannot.

        The page frames what the visible actors and their names cover (not the view, not
        the scene), as large as the page allows with the legend where it covers none of
        it. Names are written as text (a PDF or SVG can be searched and zoomed, never a
        picture of text), placed again for the page (labels never overlap)."""
        from missiondesk.staging import staged_file

        labels = [node.label_item for node in self.scene.nodes.values()]
        for label in labels:
            label.set_cached(False)
        try:
            with staged_file(path) as partial:
                self._export_image(partial, fmt)
            return Path(path)
        finally:
            for label in labels:
                label.set_cached(True)
            self.view.relabel()  # the names placed for the screen again

    def _export_image(self, path: Path, fmt: str) -> Path:
        size = self._export_size()
        w, h = size.width(), size.height()
        if fmt == "png":
            image = QImage(w * 2, h * 2, QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(2.0)
            image.fill(QColor("#ffffff"))
            painter = QPainter(image)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing
                                   | QPainter.RenderHint.TextAntialiasing)
            self._paint_export(painter, w, h)
            painter.end()
            if not image.save(str(path), "PNG"):
                raise OSError(str(path))
        elif fmt == "svg":
            from PySide6.QtCore import QRect
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, w, h))
            generator.setTitle(self.title())
            generator.setDescription(classification_label(self.classification()))
            painter = QPainter()
            if not painter.begin(generator):
                raise OSError(str(path))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_export(painter, w, h)
            painter.end()
        elif fmt == "pdf":
            from PySide6.QtCore import QMarginsF
            from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

            writer = QPdfWriter(str(path))
            writer.setResolution(96)  # cosmetic pens keep a visible width
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                             QPageLayout.Orientation.Landscape,
                                             QMarginsF(10, 10, 10, 10),
                                             QPageLayout.Unit.Millimeter))
            writer.setTitle(self.title())
            writer.setCreator("MissionDesk")
            painter = QPainter()
            if not painter.begin(writer):
                raise OSError(str(path))
            page = writer.pageLayout().paintRectPixels(writer.resolution())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_export(painter, page.width(), page.height())
            painter.end()
        else:
            raise ValueError(fmt)
        if not path.exists() or path.stat().st_size == 0:
            raise OSError(str(path))
        return path

    def visible_graph(self):
        """The filtered graph restricted to what the map shows (filters and focus)."""
        graph = self._graph if self._graph is not None else self._graph_all
        sub = graph.subgraph(self._visible_nodes).copy()
        drop = [(u, v, k) for u, v, k in sub.edges(keys=True)
                if str(k) not in self._visible_edges]
        sub.remove_edges_from(drop)
        return sub

    def export_graph(self, path: Path | str, fmt: str) -> Path:
        """GraphML or GEXF of what the map shows, through the network service."""

        from missiondesk.staging import staged_file

        with staged_file(path) as partial:
            self._write_graph(partial, fmt)
        return Path(path)

    def _write_graph(self, path: Path, fmt: str) -> None:
        from missiondesk.services import network
        from missiondesk.store.vocab import Classification

        graph = network.build_export_graph(self._ctx.handle, stakeholders=self._visible_nodes,
                                           previous=self._partition)
        level = Classification.highest({self.classification(),
                                        graph.graph["classification"]}).value
        if fmt == "graphml":
            network.write_graphml(graph, path, classification=level)
        else:
            scale = self._scale or 1.0
            positions = {n: (item.pos().x() / scale, item.pos().y() / scale)
                         for n, item in self.scene.nodes.items() if n in graph}
            colours = {n: self.scene.nodes[n].colour if n in self.scene.nodes
                       else node_colour(graph.nodes[n], "category") for n in graph}
            network.write_gexf(graph, path, classification=level, positions=positions,
                               colours=colours)

    def export_as(self, fmt: str) -> Path | None:
        """Ask where, then export; errors are shown as one sentence."""
        if self._ctx is None:
            return None
        filters = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG image (*.svg)"),
                   "pdf": self.tr("PDF document (*.pdf)"),
                   "graphml": self.tr("GraphML (*.graphml)"),
                   "gexf": self.tr("GEXF for Gephi (*.gexf)")}
        suggested = self.tr("influence-map") + "." + fmt
        chosen, _selected = QFileDialog.getSaveFileName(self, self.tr("Export the map"),
                                                        suggested, filters[fmt])
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != "." + fmt:
            path = path.with_name(path.name + "." + fmt)
        try:
            if fmt in ("png", "svg", "pdf"):
                written = self.export_image(path, fmt)
            else:
                written = self.export_graph(path, fmt)
        except MissionError as exc:
            QMessageBox.critical(self, self.tr("Export the map"), error_text(exc))
            return None
        except OSError:
            QMessageBox.critical(self, self.tr("Export the map"), self.tr(
                "MissionDesk could not write {path}: check that the folder exists, that you "
                "may write there and that the file is not open in another program."
            ).format(path=path))
            return None
        self.status.setText(self.tr("Exported %s (marked %s).")
                            % (written.name, classification_label(self.classification())))
        return written
