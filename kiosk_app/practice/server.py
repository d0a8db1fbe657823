"""The practice portal: a small imitation of the portal's filing flow, served on loopback.

Stateless on purpose: login is a random cookie the browser holds, form data lives only in the
pages, nothing a resident types is kept by the server.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
import threading
import unicodedata
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from string import Template
from urllib.parse import parse_qs, quote, urlsplit

log = logging.getLogger("kiosk.practice")

LOGIN_COOKIE = "lt_dang_nhap"
MAX_BODY_BYTES = 40 * 1024 * 1024
PRACTICE_OTP = "123456"
# Page titles as on the real portal, so the guide manifest's title patterns find the step
# that explains each page ("Hướng dẫn" button).
TITLE_HOME = "Cổng Dịch vụ công Quốc gia"
TITLE_SEARCH = "Kết quả tìm kiếm thủ tục"
TITLE_LOGIN = "Đăng nhập bằng tài khoản định danh điện tử VNeID"
TITLE_OTP = "Xác thực OTP – VNeID"
TITLE_FORM = "Tờ khai: "
TITLE_CONFIRM = "Kiểm tra tờ khai và giấy tờ đính kèm"
TITLE_SUCCESS = "Nộp hồ sơ thành công – tra cứu bằng mã hồ sơ"


def _site_text(name: str) -> str:
    return resources.files(__package__).joinpath("site", name).read_text(encoding="utf-8")


def fold(text: str) -> str:
    """Lower case without diacritics, so "khai sinh" finds "Khai sinh" and "khai sinh" "Khai sinh"."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


class PracticeSite:
    """Renders the pages; no sockets here, so it can be tested directly."""

    def __init__(self) -> None:
        self.layout = Template(_site_text("layout.html"))
        self.procedures = json.loads(_site_text("procedures.json"))
        self.by_id = {p["id"]: p for p in self.procedures}
        self.css = _site_text("style.css").encode("utf-8")

    def page(self, title: str, fragment: str, logged_in: bool, **values: str) -> bytes:
        body = Template(_site_text(fragment)).safe_substitute(**values)
        nav = '<a href="/">Trang chủ</a>'
        nav += ' <a href="/dang-xuat" id="logout">Đăng xuất</a>' if logged_in else ' <a href="/dang-nhap" id="login">Đăng nhập</a>'
        return self.layout.safe_substitute(title=html.escape(title), nav=nav, body=body).encode("utf-8")

    def procedure_items(self, procedures: list[dict]) -> str:
        return "\n".join(
            f'<li><a href="/thu-tuc/{p["id"]}">{html.escape(p["name"])}</a> <span class="level">{p["level"]}</span></li>'
            for p in procedures
        )

    def home(self, logged_in: bool, query: str = "") -> bytes:
        results = ""
        if query:
            found = [p for p in self.procedures if fold(query) in fold(p["name"])]
            if found:
                results = f'<h2>Kết quả tìm kiếm</h2><ul class="procedures" id="results">{self.procedure_items(found)}</ul>'
            else:
                results = '<p class="error" id="results">Không tìm thấy thủ tục. Hãy thử từ khác, ví dụ "khai sinh".</p>'
        return self.page(
            TITLE_SEARCH if query else TITLE_HOME, "home.html", logged_in, query=html.escape(query), results=results,
            procedures=self.procedure_items(self.procedures),
        )


def receipt_pdf(procedure: str, code: str) -> bytes:
    """The practice receipt (biên nhận) a resident downloads after filing: one A4 page, made
    with Pillow and the bundled font, marked as practice."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from kiosk_app.paths import FONTS_DIR

    page = Image.new("RGB", (827, 1169), "white")  # A4 at 100 dpi
    draw = ImageDraw.Draw(page)
    bold = ImageFont.truetype(str(FONTS_DIR / "NotoSans-Bold.ttf"), 34)
    regular = ImageFont.truetype(str(FONTS_DIR / "NotoSans-Regular.ttf"), 26)
    lines = [(bold, "BIÊN NHẬN HỒ SƠ (LUYỆN TẬP)"), (regular, f"Thủ tục: {procedure}"),
             (regular, f"Mã hồ sơ: {code}"), (regular, "Hồ sơ luyện tập, không được gửi tới cơ quan nào.")]
    y = 80
    for font, line in lines:
        draw.text((60, y), line, fill="black", font=font)
        y += 70
    out = io.BytesIO()
    page.save(out, "PDF", resolution=100.0)
    return out.getvalue()


def _error_box(message: str) -> str:
    return f'<p class="error" id="error">{html.escape(message)}</p>' if message else ""


class _Handler(BaseHTTPRequestHandler):
    server_version = "PracticePortal/1"
    site: PracticeSite

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        log.debug("practice %s", format % args)

    # helpers -------------------------------------------------------------------------------
    def _logged_in(self) -> bool:
        cookies = self.headers.get("Cookie", "")
        return any(part.strip().startswith(LOGIN_COOKIE + "=") for part in cookies.split(";"))

    def _send(self, body: bytes, status: int = 200, ctype: str = "text/html; charset=utf-8", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser left the page (session ended, link clicked)

    def _redirect(self, location: str, headers: dict | None = None) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _not_found(self) -> None:
        body = self.site.layout.safe_substitute(
            title="Không tìm thấy", nav='<a href="/">Trang chủ</a>',
            body='<h1>Không tìm thấy trang</h1><a class="button" href="/">Về trang chủ</a>',
        )
        self._send(body.encode("utf-8"), status=404)

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(b"too large", status=413, ctype="text/plain")
            return None
        return self.rfile.read(length)

    def _form(self) -> tuple[dict[str, str], list[tuple[str, int]]] | None:
        """Fields and attached files (name, size) of a POST; files are read and dropped."""
        body = self._read_body()
        if body is None:
            return None
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
            fields: dict[str, str] = {}
            files: list[tuple[str, int]] = []
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename:
                    files.append((filename, len(payload)))
                elif name:
                    fields[name] = payload.decode("utf-8", "replace")
            return fields, files
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}, []

    # routes --------------------------------------------------------------------------------
    def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path.rstrip("/") or "/"
        site = self.site
        if path == "/favicon.ico":
            return self._send(b"", status=204, ctype="image/x-icon")
        if path == "/static/style.css":
            return self._send(site.css, ctype="text/css; charset=utf-8")
        if path == "/":
            return self._send(site.home(self._logged_in()))
        if path == "/tim-kiem":
            return self._send(site.home(self._logged_in(), query.get("q", "").strip()))
        if path == "/dang-nhap":
            return self._send(site.page(TITLE_LOGIN, "login.html", False, next=html.escape(query.get("next", "/")), error=""))
        if path == "/dang-xuat":
            return self._redirect("/", {"Set-Cookie": f"{LOGIN_COOKIE}=; Max-Age=0; Path=/"})
        if path.startswith("/thu-tuc/"):
            proc = site.by_id.get(path.rsplit("/", 1)[1])
            if not proc:
                return self._not_found()
            docs = "".join(f"<li>{html.escape(d)}</li>" for d in proc["documents"])
            return self._send(site.page(proc["name"], "procedure.html", self._logged_in(), name=html.escape(proc["name"]),
                                        level=proc["level"], days=proc["days"], documents=docs, pid=proc["id"]))
        if path.startswith("/nop-ho-so/"):
            proc = site.by_id.get(path.rsplit("/", 1)[1])
            if not proc:
                return self._not_found()
            if not self._logged_in():
                return self._redirect("/dang-nhap?next=" + quote(path))
            return self._send(self._form_page(proc, {}, ""))
        if path == "/ho-so/da-nop":
            proc = site.by_id.get(query.get("tt", ""))
            code = query.get("ma", "")
            if not proc or not code.startswith("LT-"):
                return self._not_found()
            return self._send(site.page(TITLE_SUCCESS, "success.html", self._logged_in(),
                                        name=html.escape(proc["name"]), code=html.escape(code),
                                        receipt=html.escape(f"/ho-so/bien-nhan?tt={proc['id']}&ma={quote(code)}")))
        if path == "/ho-so/bien-nhan":
            proc = site.by_id.get(query.get("tt", ""))
            code = query.get("ma", "")
            if not proc or not code.startswith("LT-"):
                return self._not_found()
            return self._send(receipt_pdf(proc["name"], code), ctype="application/pdf",
                              headers={"Content-Disposition": "attachment; filename=bien-nhan.pdf"})
        return self._not_found()

    def _form_page(self, proc: dict, fields: dict[str, str], error: str) -> bytes:
        values = {k: html.escape(fields.get(k, "")) for k in ("ho_ten", "ngay_sinh", "dia_chi", "noi_dung")}
        return self.site.page(TITLE_FORM + proc["name"], "form.html", True, name=html.escape(proc["name"]), pid=proc["id"],
                              error=_error_box(error), **values)

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.rstrip("/")
        form = self._form()
        if form is None:
            return
        fields, files = form
        site = self.site
        nxt = fields.get("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        if path == "/dang-nhap":
            ident = fields.get("so_dinh_danh", "").strip()
            if not (ident.isdigit() and len(ident) == 12) or not fields.get("mat_khau"):
                return self._send(site.page(TITLE_LOGIN, "login.html", False, next=html.escape(nxt),
                                            error=_error_box("Số định danh phải có đúng 12 chữ số và cần có mật khẩu.")))
            return self._send(site.page(TITLE_OTP, "otp.html", False, next=html.escape(nxt), error=""))
        if path == "/dang-nhap/otp":
            if fields.get("otp", "").strip() != PRACTICE_OTP:
                return self._send(site.page(TITLE_OTP, "otp.html", False, next=html.escape(nxt),
                                            error=_error_box("Mã OTP chưa đúng. Trang luyện tập dùng mã 123456.")))
            return self._redirect(nxt, {"Set-Cookie": f"{LOGIN_COOKIE}={secrets.token_hex(8)}; Path=/; HttpOnly; SameSite=Lax"})
        if not self._logged_in():
            return self._redirect("/dang-nhap")
        if path.startswith("/nop-ho-so/"):
            proc = site.by_id.get(path.rsplit("/", 1)[1])
            if not proc:
                return self._not_found()
            missing = [k for k in ("co_quan", "ho_ten", "ngay_sinh", "dia_chi") if not fields.get(k, "").strip()]
            if missing:
                return self._send(self._form_page(proc, fields, "Còn thiếu thông tin bắt buộc. Hãy điền các ô có dấu *."))
            if not [f for f in files if f[1] > 0]:
                return self._send(self._form_page(proc, fields, "Hãy đính kèm ít nhất một giấy tờ."))
            names = ", ".join(html.escape(n) for n, _ in files)
            return self._send(site.page(TITLE_CONFIRM, "confirm.html", True, name=html.escape(proc["name"]),
                                        pid=proc["id"], files=names,
                                        **{k: html.escape(fields.get(k, "")) for k in ("ho_ten", "ngay_sinh", "dia_chi")}))
        if path == "/ho-so/nop":
            proc = site.by_id.get(fields.get("pid", ""))
            if not proc:
                return self._not_found()
            code = "LT-" + secrets.token_hex(4).upper()
            return self._redirect(f"/ho-so/da-nop?tt={proc['id']}&ma={code}")
        return self._not_found()


class PracticePortal:
    """Serves the practice portal on 127.0.0.1 at a free port, in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("PracticeHandler", (_Handler,), {"site": PracticeSite()})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="practice-portal", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def home_url(self) -> str:
        return self.base_url + "/"

    @property
    def origin(self) -> str:
        return self.base_url

    def start(self) -> "PracticePortal":
        self._thread.start()
        log.info("practice portal at %s", self.base_url)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "PracticePortal":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    """`python -m kiosk_app.practice.server`: serve the practice portal for a browser."""
    import time

    with PracticePortal(port=8765) as portal:
        print(portal.home_url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
