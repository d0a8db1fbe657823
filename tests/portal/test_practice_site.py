"""The practice portal over plain HTTP: every page marked as practice, the flow works, nothing kept."""

import html
import re

import requests

from kiosk_app.practice.server import fold


def test_fold_ignores_case_and_diacritics():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"


def test_search_with_and_without_diacritics(practice):
    for q in ("khai sinh", "Khai Sinh", "khai sinh"):
        page = requests.get(practice.base_url + "/tim-kiem", params={"q": q}, timeout=5).text
        assert 'href="/thu-tuc/khai-sinh"' in page.split('id="results"')[1].split("</ul>")[0]
    page = requests.get(practice.base_url + "/tim-kiem", params={"q": "zzz"}, timeout=5).text
    assert "Không tìm thấy thủ tục" in page


def test_whole_flow_over_http(practice):
    http = requests.Session()
    base = practice.base_url
    pages = [http.get(base + "/", timeout=5), http.get(base + "/thu-tuc/khai-sinh", timeout=5)]
    assert "Nộp hồ sơ trực tuyến" in pages[-1].text
    # Filing needs a login first.
    r = http.get(base + "/nop-ho-so/khai-sinh", timeout=5)
    assert "/dang-nhap" in r.url
    pages.append(r)
    r = http.post(base + "/dang-nhap", data={"so_dinh_danh": "12345", "mat_khau": "x", "next": "/"}, timeout=5)
    assert "12 chữ số" in r.text
    r = http.post(base + "/dang-nhap", data={"so_dinh_danh": "001234567890", "mat_khau": "x", "next": "/nop-ho-so/khai-sinh"}, timeout=5)
    assert 'name="otp"' in r.text
    pages.append(r)
    r = http.post(base + "/dang-nhap/otp", data={"otp": "000000", "next": "/nop-ho-so/khai-sinh"}, timeout=5)
    assert "chưa đúng" in r.text
    r = http.post(base + "/dang-nhap/otp", data={"otp": "123456", "next": "/nop-ho-so/khai-sinh"}, timeout=5)
    assert r.url.endswith("/nop-ho-so/khai-sinh") and 'type="file"' in r.text
    pages.append(r)
    fields = {"co_quan": "ubnd-xa", "ho_ten": "Nguyễn Văn A", "ngay_sinh": "1950-01-01", "dia_chi": "Thôn 1"}
    r = http.post(base + "/nop-ho-so/khai-sinh", data=fields, files={"tep": ("", b"")}, timeout=5)
    assert "ít nhất một giấy tờ" in r.text
    r = http.post(base + "/nop-ho-so/khai-sinh", data={**fields, "ho_ten": ""}, files={"tep": ("a.pdf", b"%PDF")}, timeout=5)
    assert "Còn thiếu thông tin" in r.text
    r = http.post(base + "/nop-ho-so/khai-sinh", data=fields, files={"tep": ("giay-chung-sinh.pdf", b"%PDF-1.4 x")}, timeout=5)
    assert "giay-chung-sinh.pdf" in r.text and "Nguyễn Văn A" in r.text
    pages.append(r)
    r = http.post(base + "/ho-so/nop", data={"pid": "khai-sinh"}, timeout=5)
    assert "/ho-so/da-nop" in r.url
    assert re.search(r"Mã hồ sơ: <span[^>]*>LT-[0-9A-F]{8}<", r.text)
    pages.append(r)
    receipt = http.get(base + html.unescape(re.search(r'id="receipt" href="([^"]+)"', r.text).group(1)), timeout=5)
    assert receipt.headers["Content-Disposition"] == "attachment; filename=bien-nhan.pdf"
    assert receipt.headers["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    for page in pages:
        assert "CHẾ ĐỘ LUYỆN TẬP" in page.text
        assert "LUYỆN TẬP" in re.search(r"<title>(.*)</title>", page.text).group(1)


def test_unknown_pages_and_forged_success(practice):
    assert requests.get(practice.base_url + "/thu-tuc/khong-co", timeout=5).status_code == 404
    assert requests.get(practice.base_url + "/ho-so/da-nop?tt=khai-sinh&ma=X", timeout=5).status_code == 404
    assert requests.get(practice.base_url + "/ho-so/bien-nhan?tt=khai-sinh&ma=X", timeout=5).status_code == 404
    # Not logged in: the form post is sent back to the login page.
    r = requests.post(practice.base_url + "/ho-so/nop", data={"pid": "khai-sinh"}, timeout=5)
    assert "/dang-nhap" in r.url


def test_receipt_is_a_one_page_a4_pdf(qtbot, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    from kiosk_app.practice.server import receipt_pdf

    path = tmp_path / "bien-nhan.pdf"
    path.write_bytes(receipt_pdf("Đăng ký khai sinh", "LT-0A1B2C3D"))
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    size = document.pagePointSize(0)
    assert document.pageCount() == 1 and round(size.width()) == 595 and round(size.height()) == 842
    document.close()
