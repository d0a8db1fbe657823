"""The README's nginx site (installer/nginx-kiosk-province.conf), run for real in front of
`kiosk-province serve` with a test certificate: a kiosk's sync goes through TLS."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from kiosk_app.admin.cli import main as admin_main
from tests.conftest import wait_until
from tests.province.conftest import free_port, issue_token, make_kiosk_db
from tests.province.test_server import month_sessions, rows_of

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "installer" / "nginx-kiosk-province.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_the_readme_shows_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SITE.read_text(encoding="utf-8").strip() in readme


@pytest.fixture
def nginx(province_server, tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    site = SITE.read_text(encoding="utf-8")
    for old, new in [("listen [::]:80;", ""), ("listen [::]:443 ssl;", ""), ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
                     ("/etc/ssl/kiosk-province/fullchain.pem", str(cert)), ("/etc/ssl/kiosk-province/privkey.pem", str(key)),
                     ("127.0.0.1:8080", f"127.0.0.1:{province_server.port}")]:
        assert old in site
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers write the bodies they buffer
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n    access_log off;\n"
        + "".join(f"    {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"    include {tmp_path}/site.conf;\n}}\n", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c",
                             str(tmp_path / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def up():
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            return requests.get(f"https://127.0.0.1:{https_port}/", verify=str(cert), timeout=2).status_code == 404
        except requests.RequestException:
            return False

    try:
        wait_until(up, timeout=20, what="nginx")
        yield f"https://127.0.0.1:{https_port}/sessions", f"http://127.0.0.1:{http_port}/sessions", cert
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_kiosk_syncs_through_nginx_over_tls(nginx, province_server, tmp_path, monkeypatch, capsys):
    url, plain_url, cert = nginx
    token = issue_token(province_server.dsn, "k-a", "Xã A")
    kiosk = make_kiosk_db(tmp_path, "k-a", url, token, batch_size=100)
    kiosk.add_many(month_sessions("k-a", 250))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # the kiosk trusts the test certificate
    assert admin_main(kiosk.sync_args()) == 0
    assert "Sent 250 sessions" in capsys.readouterr().out
    assert len(rows_of(province_server.dsn)) == 250

    assert requests.get(url, verify=str(cert), timeout=5).status_code == 403  # only POST passes
    moved = requests.post(plain_url, data=b"{}", timeout=5, allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"] == url.replace(
        url.split("/")[2], url.split("/")[2].split(":")[0])  # to the https site (its standard port)
    big = requests.post(url, data=b"x" * (4 * 1024 * 1024 + 1), verify=str(cert), timeout=30,
                        headers={"Authorization": f"Bearer {token}"})
    assert big.status_code == 413  # nginx stops it at the same limit as the server
    refused = requests.post(url, data=b"[", verify=str(cert), timeout=5, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 400 and refused.json()["error"] == "bad_json"  # the server's own answers pass
