"""The Influence map's saved views (a mixin of `MapDesk`): a name for what the map shows —
its filters, "Colour by" and "Size by", the hulls, the day, the zoom and the centre — kept per
mission on this laptop (QSettings, keyed by the mission's id), listed in the Views menu."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolButton

from missiondesk.ui.settings import Settings


class SavedViewsMixin:
    """Save, list, apply and delete named views of the map (see MapDesk)."""

    def _views_button(self) -> QToolButton:
        button = QToolButton()
        button.setText(self.tr("Views"))
        button.setToolTip(self.tr("Save what the map shows under a name, and come back to it"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.views_menu = QMenu(button)
        self.views_menu.aboutToShow.connect(self._fill_views_menu)
        button.setMenu(self.views_menu)
        return button

    def _fill_views_menu(self) -> None:
        menu = self.views_menu
        menu.clear()
        save = menu.addAction(self.tr("Save this view\u2026"))
        save.triggered.connect(self._ask_save_view)
        names = self.saved_views()
        if not names:
            return
        menu.addSeparator()
        for name in names:
            action = menu.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self.apply_view(n))
        delete = menu.addMenu(self.tr("Delete a view"))
        for name in names:
            action = delete.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self._ask_delete_view(n))

    def _ask_save_view(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save this view"),
                                        self.tr("Name of the view:"))
        name = name.strip()
        if not ok or not name:
            return
        if name in self.saved_views() and QMessageBox.question(
                self, self.tr("Save this view"),
                self.tr("A view named \u201c%s\u201d exists. Replace it?") % name
        ) != QMessageBox.StandardButton.Yes:
            return
        self.save_view(name)

    def _ask_delete_view(self, name: str) -> None:
        if QMessageBox.question(self, self.tr("Delete a view"),
                                self.tr("Delete the view \u201c%s\u201d?") % name
                                ) == QMessageBox.StandardButton.Yes:
            self.delete_view(name)

    # --- what the menu calls -------------------------------------------------------------

    def _views(self) -> dict[str, dict]:
        return Settings().map_views(self._mission_id) if self._mission_id else {}

    def saved_views(self) -> list[str]:
        """The names of this mission's saved views, in alphabetical order."""
        return sorted(self._views(), key=str.casefold)

    def view_state(self) -> dict:
        """What the map shows now, as a saved view holds it."""
        scale = self._scale or 1.0
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        day = self.as_of()
        return {"categories": sorted(c for c, a in self.category_actions.items()
                                     if a.isChecked()),
                "families": sorted(f for f, a in self.family_actions.items() if a.isChecked()),
                "regions": sorted(self.chosen_regions()),
                "min_strength": self.min_strength.value(),
                "active_only": self.active_only.isChecked(),
                "min_confidence": self.min_confidence(),
                "colour_by": self.colour_mode(), "size_by": self.size_mode(),
                "hulls": self.hulls_check.isChecked(),
                "as_of": day.isoformat() if day else None,
                "zoom": self.view.zoom(), "centre": [centre.x() / scale, centre.y() / scale]}

    def save_view(self, name: str) -> None:
        if not self._mission_id:
            return
        settings = Settings()
        views = settings.map_views(self._mission_id)
        views[name] = self.view_state()
        settings.set_map_views(self._mission_id, views)
        settings.sync()
        self.status.setText(self.tr("View \u201c%s\u201d saved.") % name)

    def delete_view(self, name: str) -> None:
        if not self._mission_id:
            return
        settings = Settings()
        views = settings.map_views(self._mission_id)
        if views.pop(name, None) is not None:
            settings.set_map_views(self._mission_id, views)
            settings.sync()

    def apply_view(self, name: str) -> bool:
        """Show a saved view: its filters, colours, sizes, hulls, day, zoom and centre."""
        from missiondesk.ui.map.desk import tick

        state = self._views().get(name)
        if not state or self._graph_all is None:
            return False
        widgets = (self.colour_by, self.size_by, self.hulls_check, self.min_strength,
                   self.active_only, self.confidence)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for group, chosen in ((self.category_actions, state.get("categories") or ()),
                                  (self.family_actions, state.get("families") or ()),
                                  (self.region_actions, state.get("regions") or ())):
                tick(group, chosen)
            self.min_strength.setValue(int(state.get("min_strength") or 1))
            self.active_only.setChecked(bool(state.get("active_only")))
            self.set_min_confidence(state.get("min_confidence"))
            self.set_colour_mode(state.get("colour_by") or "category")
            self.set_size_mode(state.get("size_by") or "influence")
            self.hulls_check.setChecked(bool(state.get("hulls")))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        day = state.get("as_of")
        try:
            self.set_as_of(date.fromisoformat(day) if day else None)  # applies the filter
        except ValueError:
            self.set_as_of(None)
        self._update_hulls()
        zoom, centre = state.get("zoom"), state.get("centre")
        if zoom and self.view.zoom() > 0:
            self.view.zoom_by(float(zoom) / self.view.zoom())
        if centre and len(centre) == 2:
            scale = self._scale or 1.0
            self.view.centerOn(float(centre[0]) * scale, float(centre[1]) * scale)
            self.view.relabel()
        self.status.setText(self.tr("View \u201c%s\u201d shown.") % name)
        return True
