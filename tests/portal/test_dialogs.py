"""The kiosk's own dialogs for page alerts/confirms/prompts, and the viewer of downloaded files."""

from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kiosk_app.portal.dialogs import FileViewer, KioskDialogs


def answer_next_dialog(action):
    """Acts on the dialog the code under test is about to open (modal, so from a timer)."""
    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        action(dialog)
    QTimer.singleShot(0, act)


def test_alert_confirm_prompt_are_kiosk_dialogs(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialogs = KioskDialogs(parent)
    seen = []
    answer_next_dialog(lambda d: (seen.append(d), d.ok.click()))
    dialogs.alert("Hồ sơ đã được lưu")
    assert seen and seen[0].objectName() == "portalDialog"
    answer_next_dialog(lambda d: d.cancel.click())
    assert dialogs.confirm("Bạn có chắc không?") is False
    answer_next_dialog(lambda d: d.ok.click())
    assert dialogs.confirm("Bạn có chắc không?") is True
    answer_next_dialog(lambda d: (d.edit.setText("Nguyễn Văn A"), d.ok.click()))
    assert dialogs.prompt("Họ tên?", "") == "Nguyễn Văn A"

    def type_by_touch(d):
        for key in ("shift", "a", "mark-sac", "n", "space", "1"):
            d.keyboard.keys[key].click()
        d.ok.click()
    answer_next_dialog(type_by_touch)
    assert dialogs.prompt("Họ tên?", "") == "Án 1"
    answer_next_dialog(lambda d: d.cancel.click())
    assert dialogs.prompt("Họ tên?", "x") is None
    # Each is deleted once answered: none piles up under the portal screen over a day.
    qtbot.waitUntil(lambda: parent.findChildren(QDialog) == [])


def test_downloaded_pdf_and_picture_open_in_the_kiosk(qtbot, tmp_path):
    Image.new("RGB", (210, 297), "white").save(tmp_path / "bien-nhan.pdf")
    Image.new("RGB", (50, 50), "red").save(tmp_path / "anh.png")
    viewer = FileViewer(tmp_path / "bien-nhan.pdf")
    qtbot.addWidget(viewer)
    assert viewer.document.pageCount() == 1
    picture = FileViewer(tmp_path / "anh.png")
    qtbot.addWidget(picture)
    assert picture.windowTitle() == "anh.png"
