"""Downloads in the real kiosk on a real X server (xcb): a receipt is saved and viewable, a
program and oversize files are refused, and the kiosk stays alive through all of them."""

import io
import itertools
import os
import subprocess

import pytest
from PIL import Image

from tests.conftest import wait_until
from tests.portal.conftest import Response

pytestmark = pytest.mark.e2e

# The test page is one link over the whole viewport: a touch in the middle of the screen follows it.
PAGE = """<!doctype html><html><head><title>Tải tệp</title></head><body style="margin:0">
<a id="go" href="/dl" style="position:fixed;inset:0;display:block;font-size:60px;background:#eef">Tải tệp</a>
</body></html>"""
MIDDLE = (683, 520)
VIEW_BUTTON = (1143, 206)  # "Xem tệp" on the notice above the page, at 1366x768
VIEWER_CLOSE = (1217, 633)  # the viewer's "Đóng"
MAX_DOWNLOAD_MB = 2
CHUNK = b"0" * 65536
STREAM_CHUNKS = 16384  # 1 GiB at most, cut by the kiosk long before


def receipt_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(buffer, "PDF")
    return buffer.getvalue()


def attachment(name: str, ctype: str, **fields) -> Response:
    return Response(ctype=ctype, headers={"Content-Disposition": f"attachment; filename={name}"}, **fields)


def touch(display, xy):
    subprocess.run(["xdotool", "mousemove", *map(str, xy), "click", "1"], env=dict(os.environ, DISPLAY=display),
                   check=True)


@pytest.fixture
def download_kiosk(start_kiosk, xvfb_display, site, tmp_path):
    site.routes["/downloads"] = Response(PAGE)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[portal]\nstart_url = "{site.url("/downloads")}"\npractice = "off"\n'
                      f"max_download_mb = {MAX_DOWNLOAD_MB}\nzoom = 1.0\n", encoding="utf-8")
    kiosk = start_kiosk("--temp-data-dir", "--config", str(config), "--start-screen", "portal", display=xvfb_display)
    ready = kiosk.wait_event("app.ready", timeout=60)
    kiosk.wait_event("portal.page", timeout=60)
    session = kiosk.wait_event("session.started")["session"]
    kiosk.session_folder = os.path.join(ready["data_dir"], "sessions", session)
    return kiosk


def test_downloads_never_kill_the_kiosk(download_kiosk, xvfb_display, site):
    kiosk = download_kiosk

    def download(response: Response, **expected) -> dict:
        site.routes["/dl"] = response
        before = len([e for e in kiosk.events() if e["event"] == "portal.download"])
        touch(xvfb_display, MIDDLE)
        event = kiosk.wait_event("portal.download", nth=before)
        assert {k: event.get(k) for k in expected} == expected, event
        return event

    pdf = receipt_pdf()
    download(attachment("bien-nhan.pdf", "application/pdf", body=pdf), decision="saved")
    saved = os.path.join(kiosk.session_folder, "bien-nhan.pdf")
    assert open(saved, "rb").read() == pdf
    # The notice's "Xem tệp" opens it in the kiosk's own viewer; "Đóng" closes it (else the
    # next touch would land on the viewer and download nothing).
    touch(xvfb_display, VIEW_BUTTON)
    viewed = kiosk.wait_event("portal.file_viewed", timeout=20)
    assert (viewed["kind"], viewed["pages"]) == ("pdf", 1)
    touch(xvfb_display, VIEWER_CLOSE)

    download(attachment("setup.exe", "application/octet-stream", body=b"MZ" + b"\0" * 4000),
             decision="refused", reason="executable-type")
    # Declared 4 GiB: refused before a byte is written.
    download(attachment("ho-so.pdf", "application/pdf", declared_length=4 * 1024 ** 3,
                        chunks=lambda: itertools.repeat(CHUNK, STREAM_CHUNKS)),
             decision="refused", reason="too-large")
    # No declared size, streamed past the budget: cut while receiving.
    # (Chromium reports progress twice a second: on loopback ~100 MB pass before the cut.)
    download(attachment("ho-so-2.pdf", "application/pdf", chunks=lambda: itertools.repeat(CHUNK, STREAM_CHUNKS)),
             decision="refused", reason="too-large-while-receiving")
    wait_until(lambda: len(site.streamed) == 2, what="both streams cut")
    assert all(sent < STREAM_CHUNKS * len(CHUNK) for _, sent in site.streamed), site.streamed
    wait_until(lambda: sorted(os.listdir(kiosk.session_folder)) == ["bien-nhan.pdf"], timeout=10,
               what="partial downloads removed")
    assert kiosk.proc.poll() is None
    assert kiosk.stop() == 0
