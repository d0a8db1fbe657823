"""Downloads land only in the session folder; the file picker shows only this session's files."""

from urllib.parse import quote

import pytest
from PIL import Image
from PySide6.QtWidgets import QListWidget

from kiosk_app.portal.dialogs import SessionFilePicker
from kiosk_app.portal.rules import PortalRules
from tests.portal.conftest import Response
from tests.portal.web import start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def download_site(site):
    def attachment(name, body, ctype):
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return Response(body, ctype=ctype, headers={"Content-Disposition": disposition})

    site.routes.update({
        "/files": Response("<title>Tệp</title><p>tệp</p>"),
        "/receipt.pdf": attachment("Biên nhận.pdf", PDF, "application/pdf"),
        "/inline.pdf": Response(PDF, ctype="application/pdf"),
        "/setup.exe": attachment("setup.exe", b"MZ" + b"\0" * 100, "application/octet-stream"),
        "/sneaky": attachment("../../../../tmp/evil.pdf", PDF, "application/pdf"),
        "/huge.pdf": attachment("huge.pdf", b"%PDF" + b"0" * 300_000, "application/pdf"),
    })
    return site


def download(qtbot, screen, url, signal_name="download_finished"):
    with qtbot.waitSignal(getattr(screen, signal_name), timeout=10000) as blocker:
        screen.load(url)
    return blocker.args


def test_downloads_go_to_the_session_folder_only(qtbot, make_screen, new_session, download_site, tmp_path):
    site = download_site
    rules = PortalRules.from_lists([site.origin], max_download_bytes=100_000)
    screen = make_screen(home_url=site.url("/files"), rules=rules)
    session = new_session()
    start(qtbot, screen, session)

    path = download(qtbot, screen, site.url("/receipt.pdf"))[0]
    assert path == str(session.work_dir / "Biên nhận.pdf")
    assert (session.work_dir / "Biên nhận.pdf").read_bytes() == PDF
    assert not screen.notice.isHidden()
    # A PDF shown by the page is a download too (no in-browser viewer); names never collide.
    path = download(qtbot, screen, site.url("/inline.pdf"))[0]
    assert path.startswith(str(session.work_dir))
    # A path in the suggested name stays inside the folder.
    path = download(qtbot, screen, site.url("/sneaky"))[0]
    assert path == str(session.work_dir / "evil.pdf")
    assert not (tmp_path.parent / "evil.pdf").exists()

    refused = lambda: [e for e in session.named("portal.download") if e["decision"] == "refused"]  # noqa: E731
    screen.load(site.url("/setup.exe"))
    qtbot.waitUntil(lambda: len(refused()) == 1, timeout=10000)
    assert refused()[0]["reason"] == "executable-type"
    screen.load(site.url("/huge.pdf"))
    qtbot.waitUntil(lambda: len(refused()) == 2, timeout=10000)
    assert refused()[1]["reason"].startswith("too-large")
    assert sorted(p.name for p in session.work_dir.iterdir()) == ["Biên nhận.pdf", "evil.pdf", "inline.pdf"]


def make_session_files(folder):
    Image.new("RGB", (210, 297), "white").save(folder / "to-khai.pdf")
    Image.new("RGB", (90, 120), "blue").save(folder / "anh.png")
    (folder / "ghi-chu.txt").write_text("x")
    (folder / "scan-pages").mkdir()
    (folder / "scan-pages" / "page-1.pnm").write_bytes(b"P6 1 1 255 xyz")  # raw pages: never offered
    (folder / ".dang-luu.pdf").write_bytes(b"%PDF")


def test_picker_offers_only_session_files_matching_accept(qtbot, make_screen, new_session, site):
    screen = make_screen(home_url=site.url("/files"))
    session = new_session()
    make_session_files(session.work_dir)
    start(qtbot, screen, session)
    page = screen.page
    assert [p.name for p in page.session_files_for([".pdf"])] == ["to-khai.pdf"]
    assert sorted(p.name for p in page.session_files_for([])) == ["anh.png", "ghi-chu.txt", "to-khai.pdf"]
    # A chooser that returns something it was not offered gets nothing through.
    from PySide6.QtWebEngineCore import QWebEnginePage

    page.file_chooser = lambda files, multiple: [session.work_dir.parent / "other.pdf", *files]
    single = QWebEnginePage.FileSelectionMode.FileSelectOpen
    assert page.chooseFiles(single, [], ["image/*"]) == [str(session.work_dir / "anh.png")]
    multi = QWebEnginePage.FileSelectionMode.FileSelectOpenMultiple
    assert len(page.chooseFiles(multi, [], [])) == 3
    # Folder upload and "save as" pickers are refused outright.
    assert page.chooseFiles(QWebEnginePage.FileSelectionMode.FileSelectUploadFolder, [], []) == []


def test_picker_dialog_shows_big_thumbnails_and_honours_multiple(qtbot, tmp_path):
    make_session_files(tmp_path)
    files = [tmp_path / "to-khai.pdf", tmp_path / "anh.png"]
    picker = SessionFilePicker(files, multiple=False)
    qtbot.addWidget(picker)
    assert picker.list.count() == 2
    assert picker.list.iconSize().width() >= 200
    assert not picker.choose.isEnabled()
    picker.list.item(0).setSelected(True)
    picker.list.item(1).setSelected(True)
    assert picker.chosen() == [tmp_path / "anh.png"]  # one only
    assert not picker.list.item(0).icon().isNull()
    many = SessionFilePicker(files, multiple=True)
    qtbot.addWidget(many)
    assert many.list.selectionMode() == QListWidget.SelectionMode.MultiSelection
    many.list.item(0).setSelected(True)
    many.list.item(1).setSelected(True)
    assert many.choose.isEnabled() and len(many.chosen()) == 2
