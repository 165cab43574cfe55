"""The mission-file dialogs: New Mission, passphrase, who you are, mission details, About.

Each dialog has a classmethod that runs it modally and returns plain values; tests patch
those classmethods instead of driving a nested event loop.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk import __version__
from missiondesk.labels import role_label
from missiondesk.store.passphrase import MIN_PASSPHRASE_LENGTH, normalise
from missiondesk.store.vocab import Classification, TeamRole
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.widgets import error_label

if TYPE_CHECKING:
    from missiondesk.services.team import TeamMemberView


def passphrase_strength(text: str) -> int:
    """0 (too short) to 3 (strong): length first (counted as the key is: NFC), then variety."""
    text = normalise(text)
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return 0
    kinds = sum([
        any(c.islower() for c in text),
        any(c.isupper() for c in text),
        any(c.isdigit() for c in text),
        any(not c.isalnum() for c in text),
    ])
    score = 1 + (len(text) >= 14) + (kinds >= 3 or len(text) >= 20)
    return min(score, 3)


def _time_zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@dataclass
class NewMissionRequest:
    path: Path
    name: str
    acronym: str
    host_country: str
    time_zone: str
    default_classification: str
    your_name: str
    your_role: str
    passphrase: str | None  # None: created unencrypted, by explicit choice


def _role_combo(default: str) -> QComboBox:
    return code_combo(((role_label(role), role.value) for role in TeamRole), default=default)


class _MissionFields(RecordForm):
    """The mission's own fields, shared by New Mission and Mission Details."""

    def add_mission_fields(self, values: dict) -> None:
        self.name = QLineEdit(values.get("name") or "")
        self.acronym = QLineEdit(values.get("acronym") or "")
        self.host_country = QLineEdit(values.get("host_country") or "")
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(_time_zones())
        self.time_zone.setCurrentText(values.get("time_zone") or "UTC")
        self.classification = classification_combo(values.get("default_classification"))
        self.form.addRow(self.tr("Mission name"), self.name)
        self.form.addRow(self.tr("Acronym"), self.acronym)
        self.form.addRow(self.tr("Host country"), self.host_country)
        self.form.addRow(self.tr("Time zone"), self.time_zone)
        self.form.addRow(self.tr("Default classification"), self.classification)

    def mission_values(self) -> dict:
        return {
            "name": self.name.text().strip(),
            "acronym": self.acronym.text().strip() or None,
            "host_country": self.host_country.text().strip() or None,
            "time_zone": self.time_zone.currentText().strip(),
            "default_classification": self.classification.currentData(),
        }


class NewMissionDialog(_MissionFields):
    MIN_WIDTH = 560

    def __init__(self, parent: QWidget | None = None, folder: str = "") -> None:
        self.request: NewMissionRequest | None = None
        super().__init__(parent, {"folder": folder,
                                  "default_classification": Classification.CONFIDENTIAL.value},
                         self._keep_request, creating=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Create"))

    def titles(self) -> tuple[str, str]:
        return self.tr("New Mission"), self.tr("New Mission")

    def build(self, values: dict) -> None:
        self._folder = values["folder"]
        self.add_mission_fields(values)
        self.name.setPlaceholderText(self.tr("e.g. United Nations Assistance Mission in Carana"))
        self.your_name = QLineEdit()
        self.your_role = _role_combo(TeamRole.SRSG.value)
        self.path = QLineEdit()
        browse = QPushButton(self.tr("Browse\u2026"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel()
        self.plain = QCheckBox(self.tr("Create without encryption (anyone who gets the file "
                                       "can read it)"))
        self.plain.toggled.connect(self._plain_toggled)
        self.passphrase.textChanged.connect(self._update_strength)
        self.form.addRow(self.tr("Your name"), self.your_name)
        self.form.addRow(self.tr("Your role"), self.your_role)
        self.form.addRow(self.tr("Mission file"), path_row)
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.form.addRow(self.tr("Repeat passphrase"), self.repeat)
        self.form.addRow("", self.strength)
        self.form.addRow("", self.plain)
        self._update_strength("")

    def _browse(self) -> None:
        start = str(Path(self._folder or Path.home()) / ((self.acronym.text() or "mission")
                                                         + ".mdesk"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("New mission file"), start,
                                              self.tr("Mission files (*.mdesk)"))
        if path:
            self.path.setText(path if path.endswith(".mdesk") else path + ".mdesk")

    def _plain_toggled(self, plain: bool) -> None:
        self.passphrase.setEnabled(not plain)
        self.repeat.setEnabled(not plain)
        self._update_strength(self.passphrase.text())

    def _update_strength(self, text: str) -> None:
        if self.plain.isChecked():
            self.strength.setText(self.tr("The file will not be encrypted."))
            return
        words = [
            self.tr("Too short: use at least %n characters, e.g. four unrelated words.", "",
                    MIN_PASSPHRASE_LENGTH),
            self.tr("Fair: longer is stronger."),
            self.tr("Good."),
            self.tr("Strong."),
        ]
        self.strength.setText(words[passphrase_strength(text)])

    def values(self) -> dict:
        values = self.mission_values()
        path_text = self.path.text().strip()
        path = Path(path_text) if path_text else None
        if path is not None and path.suffix != ".mdesk":
            path = path.with_name(path.name + ".mdesk")
        values.update(acronym=values["acronym"] or "", host_country=values["host_country"] or "",
                      path=path, your_name=self.your_name.text().strip(),
                      your_role=self.your_role.currentData(),
                      passphrase=None if self.plain.isChecked() else self.passphrase.text())
        return values

    def check(self, values: dict) -> str | None:
        if not values["name"]:
            return self.tr("Give the mission a name.")
        if not values["your_name"]:
            return self.tr("Give your name: every change is logged under it.")
        if values["path"] is None:
            return self.tr("Choose where to save the mission file.")
        if values["path"].exists():
            return self.tr("That file already exists; choose another name.")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(values["time_zone"])
        except (ZoneInfoNotFoundError, ValueError):
            return self.tr("Choose a time zone from the list.")
        if values["passphrase"] is not None:
            if passphrase_strength(values["passphrase"]) == 0:
                return self.tr("The passphrase is too short.")
            if values["passphrase"] != self.repeat.text():
                return self.tr("The two passphrases differ.")
        return None

    def _keep_request(self, values: dict) -> None:
        self.request = NewMissionRequest(**values)

    @classmethod
    def ask(cls, parent: QWidget | None, folder: str = "") -> NewMissionRequest | None:
        dialog = cls(parent, folder)
        return dialog.request if dialog.exec() == QDialog.DialogCode.Accepted else None


class PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget | None, file_name: str, error: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unlock Mission"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Passphrase for {name}:").format(name=file_name)))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.passphrase)
        self.error = error_label()
        if error:
            self.error.setText(error)
            self.error.show()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Unlock"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    @classmethod
    def ask(cls, parent: QWidget | None, file_name: str, error: str = "") -> str | None:
        dialog = cls(parent, file_name, error)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.passphrase.text()
        return None


@dataclass
class Identity:
    member_id: str | None  # None: a new team member to add
    name: str
    role: str


class IdentityDialog(RecordForm):
    """Who are you? Every change is logged under the chosen name."""

    MIN_WIDTH = 460

    def __init__(self, parent: QWidget | None, members: list[TeamMemberView]) -> None:
        self.identity: Identity | None = None
        super().__init__(parent, {"members": members}, self._keep_identity, creating=False)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("OK"))
        self.resize(460, 420)

    def titles(self) -> tuple[str, str]:
        return self.tr("Who Are You?"), self.tr("Who Are You?")

    def build(self, values: dict) -> None:
        intro = QLabel(self.tr("Choose yourself among the mission's team. Every change you "
                               "make is logged under this name."))
        intro.setWordWrap(True)
        self.members = QListWidget()
        for member in values["members"]:
            item = QListWidgetItem("%s \u2014 %s" % (member.name, role_label(member.role)))
            item.setData(Qt.ItemDataRole.UserRole, member)
            self.members.addItem(item)
        self.members.itemDoubleClicked.connect(lambda _item: self._accept())
        if values["members"]:
            self.members.setCurrentRow(0)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("Your name"))
        self.new_role = _role_combo(TeamRole.OTHER.value)
        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(self.new_role)
        self.form.addRow(intro)
        self.form.addRow(self.members)
        self.form.addRow(QLabel(self.tr("Not in the list? Add yourself:")))
        self.form.addRow(row)

    def values(self) -> dict:
        if self.new_name.text().strip():
            return {"identity": Identity(None, self.new_name.text().strip(),
                                         self.new_role.currentData())}
        item = self.members.currentItem()
        if item is None:
            return {"identity": None}
        member = item.data(Qt.ItemDataRole.UserRole)
        return {"identity": Identity(member.id, member.name, member.role)}

    def check(self, values: dict) -> str | None:
        return self.tr("Choose your name or add yourself.") if values["identity"] is None \
            else None

    def _keep_identity(self, values: dict) -> None:
        self.identity = values["identity"]

    @classmethod
    def choose(cls, parent: QWidget | None, members: list[TeamMemberView]) -> Identity | None:
        dialog = cls(parent, members)
        return dialog.identity if dialog.exec() == QDialog.DialogCode.Accepted else None


class MissionDetailsDialog(_MissionFields):
    """Edit the mission's own record; `values()` holds only the fields that changed, and
    `submit` (the Overview's) returns why the service refused them, or None."""

    MIN_WIDTH = 480

    def titles(self) -> tuple[str, str]:
        return self.tr("Mission Details"), self.tr("Mission Details")

    def build(self, values: dict) -> None:
        self.add_mission_fields(values)
        self.has_expiry = QCheckBox(self.tr("Known"))
        self.expiry = QDateEdit()
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        expiry: date | None = values.get("mandate_expiry")
        self.has_expiry.setChecked(expiry is not None)
        self.expiry.setEnabled(expiry is not None)
        self.expiry.setDate(QDate(expiry) if expiry else QDate.currentDate())
        self.has_expiry.toggled.connect(self.expiry.setEnabled)
        expiry_row = QHBoxLayout()
        expiry_row.addWidget(self.has_expiry)
        expiry_row.addWidget(self.expiry, 1)
        self.form.addRow(self.tr("Mandate expiry"), expiry_row)

    def values(self) -> dict:
        new = self.mission_values()
        new["mandate_expiry"] = (self.expiry.date().toPython() if self.has_expiry.isChecked()
                                 else None)
        return {k: v for k, v in new.items() if v != self.initial.get(k)}

    changed_values = values


BUNDLED = [
    ("Qt / PySide6", "PySide6-Essentials", "LGPL-3.0"),
    ("SQLAlchemy", "SQLAlchemy", "MIT"),
    ("Alembic", "alembic", "MIT"),
    ("Mako", "Mako", "MIT"),
    ("sqlcipher3 (SQLCipher, OpenSSL)", "sqlcipher3", "zlib; SQLCipher BSD-3-Clause; "
                                                      "OpenSSL Apache-2.0"),
    ("platformdirs", "platformdirs", "MIT"),
]


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # e.g. a frozen build without dist-info
        return "\u2014"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About MissionDesk"))
        layout = QVBoxLayout(self)
        title = QLabel("<h2>MissionDesk %s</h2>" % __version__)
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("The political-strategy desk of a UN peace operation's "
                                        "leadership team.")))
        rows = "".join(
            "<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (name, _version(dist), licence)
            for name, dist, licence in BUNDLED
        )
        browser = QTextBrowser()
        browser.setHtml(
            "<p>%s</p><table cellpadding='3'><tr><th align='left'>%s</th>"
            "<th align='left'>%s</th><th align='left'>%s</th></tr>%s</table>"
            "<p>Python %s</p><p>%s</p>" % (
                self.tr("Bundled libraries and their licences:"), self.tr("Library"),
                self.tr("Version"), self.tr("Licence"), rows, sys.version.split()[0],
                self.tr("The demo mission uses the Carana training scenario (UN); every "
                        "person, group and event in it is fictional."),
            )
        )
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 420)
