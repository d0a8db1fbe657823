"""Where an export goes, by touch: the USB sticks under reports.usb_roots and their folders only."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from kiosk_app.admin.screens.usb_folder import UsbFolderPicker, describe_place, find_sticks
from kiosk_app.strings import staff as T
from tests.conftest import click
from tests.staff.test_stats_screen import NOV, open_stats


@pytest.fixture
def sticks(tmp_path, monkeypatch):
    """/media/kiosk/KINGSTON (with folders) and /media/USB DISK, as the desktop mounts them."""
    media = tmp_path / "media"
    (media / "kiosk" / "KINGSTON" / "Bao cao" / "2026").mkdir(parents=True)
    (media / "kiosk" / "KINGSTON" / ".Trash-1000").mkdir()
    (media / "USB DISK").mkdir(parents=True)
    (tmp_path / "home" / "secret").mkdir(parents=True)
    mounts = {media / "kiosk" / "KINGSTON", media / "USB DISK"}
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) in mounts)  # plain folders stand in for mounts
    return media


def test_sticks_are_found_one_or_two_levels_down(sticks):
    assert [s.name for s in find_sticks([str(sticks), "/nonexistent"])] == ["USB DISK", "KINGSTON"]


def test_the_place_of_a_file_names_the_stick_and_the_folder(sticks):
    roots = [str(sticks)]
    stick = sticks / "kiosk" / "KINGSTON"
    assert describe_place(stick / "Bao cao", roots) == T.USB_PLACE_IN.format(stick="KINGSTON", folder="Bao cao")
    assert describe_place(stick, roots) == T.USB_PLACE_TOP.format(stick="KINGSTON")
    assert describe_place(Path("/srv/x"), roots) == T.USB_PLACE_FOLDER.format(folder="/srv/x")


def shown_choices(picker) -> list[str]:
    return [b.text() for b in picker.choices.findChildren(QPushButton) if b.isVisibleTo(picker)]


def test_the_picker_goes_into_a_stick_and_never_above_it(qtbot, sticks):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(1366, 768)
    parent.show()
    picker = UsbFolderPicker(parent, [str(sticks)])
    picker.open()
    assert shown_choices(picker) == ["USB USB DISK", "USB KINGSTON"]
    assert not picker.save_button.isVisible()  # a stick first
    click(qtbot, picker, "usbStick1")
    assert shown_choices(picker) == ["Bao cao"]  # hidden folders are not offered
    click(qtbot, picker, "usbFolder0")
    assert picker.where.text() == T.USB_PLACE_IN.format(stick="KINGSTON", folder="Bao cao")
    click(qtbot, picker, "usbUp")
    click(qtbot, picker, "usbUp")  # above the stick's top: the list of sticks, nothing else
    assert shown_choices(picker) == ["USB USB DISK", "USB KINGSTON"]
    click(qtbot, picker, "usbStick1")
    click(qtbot, picker, "usbFolder0")
    with qtbot.waitSignal(picker.chosen) as chosen:
        click(qtbot, picker, "usbSaveHere")
    assert chosen.args == [sticks / "kiosk" / "KINGSTON" / "Bao cao"] and not picker.isVisible()


def test_no_stick_says_what_to_do(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    picker = UsbFolderPicker(parent, [str(tmp_path / "media")])
    picker.open()
    assert picker.where.text() == T.USB_NONE and shown_choices(picker) == []
    assert picker.findChild(QPushButton, "usbRefresh").isVisible()


def test_the_statistics_screen_exports_to_the_chosen_stick_and_says_where(make_kiosk, qtbot, sticks, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *a, **k: pytest.fail("the desktop file dialog must not open"))
    kiosk, screen = open_stats(make_kiosk, qtbot)
    screen._usb_roots = [str(sticks)]
    screen.show_range(NOV)
    click(qtbot, screen, "statsChoose")
    picker = screen.folder_picker
    assert picker.isVisible() and picker.width() == kiosk.window.width()
    click(qtbot, picker, "usbStick1")
    click(qtbot, picker, "usbFolder0")
    click(qtbot, picker, "usbSaveHere")
    folder = sticks / "kiosk" / "KINGSTON" / "Bao cao"
    assert screen.folder.text() == str(folder)
    kiosk.store.flush()
    click(qtbot, screen, "statsExport_csv")
    qtbot.waitUntil(lambda: screen.export_buttons[0].isEnabled(), timeout=20000)
    assert sorted(p.suffix for p in folder.iterdir() if p.is_file()) == [".csv", ".csv"]
    assert screen.message.text().endswith(T.USB_PLACE_IN.format(stick="KINGSTON", folder="Bao cao") + ".")


def test_the_picker_goes_away_with_the_statistics_screen(make_kiosk, qtbot, sticks):
    kiosk, screen = open_stats(make_kiosk, qtbot)
    screen._usb_roots = [str(sticks)]
    click(qtbot, screen, "statsChoose")
    assert screen.folder_picker.isVisible()
    kiosk.idle.expired.emit()  # staff walked away: the idle time ran out
    assert kiosk.nav.current != "staff_stats" and not screen.folder_picker.isVisible()
