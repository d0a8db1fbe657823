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


def test_a_big_picture_is_shown_whole_and_pdf_pages_turn_with_big_buttons(qtbot, tmp_path):
    """A scanned A4 page (1240x1754 px) fits the viewer without dragging; PDF pages as wide as
    the viewer, turned by "Trang sau" / "Trang trước"."""
    Image.new("RGB", (1240, 1754), "white").save(tmp_path / "giay-khai-sinh.jpg")
    parent = QWidget()
    parent.resize(1366, 768)
    qtbot.addWidget(parent)
    picture = FileViewer(tmp_path / "giay-khai-sinh.jpg", parent)
    picture.show()
    qtbot.waitExposed(picture)
    shown = picture.picture.pixmap().size()
    box = picture.picture.contentsRect().size()
    assert shown.width() <= box.width() and shown.height() <= box.height()
    assert shown.height() == box.height() or shown.width() == box.width()  # as big as it can be
    picture.close()

    pages = [Image.new("RGB", (595, 842), colour) for colour in ("white", "gray", "black")]
    pages[0].save(tmp_path / "to-khai.pdf", save_all=True, append_images=pages[1:])
    viewer = FileViewer(tmp_path / "to-khai.pdf", parent)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert viewer.pages == 3 and viewer.page == 0
    assert viewer.previous.isHidden() and viewer.page_label.text() == "Trang 1 / 3"
    viewer.next.click()
    qtbot.waitUntil(lambda: viewer.page == 1)
    viewer.next.click()
    qtbot.waitUntil(lambda: viewer.page_label.text() == "Trang 3 / 3")
    assert viewer.next.isHidden() and viewer.previous.isVisible()
    viewer.previous.click()
    qtbot.waitUntil(lambda: viewer.page == 1)
    assert min(viewer.next.width(), viewer.next.height()) >= 80
