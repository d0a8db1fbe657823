import tomllib

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk_app.admin.pin import hash_pin
from kiosk_app.admin.settings import EditableSettings, SettingsError, parse_procedures, save_settings, toml_dumps
from kiosk_app.storage.staff_store import StaffStore
from kiosk_app.strings import staff as T
from tests.staff.test_flows import click, sign_in

GOOD = EditableSettings("UBND xã Bình Phú", "90", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
                        "1.001193 | Đăng ký khai sinh\n\n2.000815 | Chứng thực bản sao",
                        "id_card | Giấy tờ tùy thân | màu | 300 | 90 x 60\ntext | Văn bản | xám | 200 | 210 x 297")


def test_toml_round_trip_keeps_vietnamese_and_quotes():
    data = {"kiosk": {"commune": 'UBND xã "Bình Phú"\\'}, "guided": {"procedures": [{"code": "1", "name": "Khai sinh"}]},
            "session": {"idle_timeout_s": 90, "flag": True, "scale": 1.5}, "top": ["a", "b"]}
    assert tomllib.loads(toml_dumps(data)) == data


def test_procedures_lines():
    assert parse_procedures("1 | A\n 2|B ") == [{"code": "1", "name": "A"}, {"code": "2", "name": "B"}]
    for bad in ("1 A", " | A", "", "1 |  "):
        with pytest.raises(SettingsError):
            parse_procedures(bad)


def test_save_merges_into_the_kiosk_file_and_keeps_other_keys(tmp_path):
    target = tmp_path / "kiosk.toml"
    target.write_text('[staff]\nlockout_s = 60\n[kiosk]\nid = "xa-binh-phu"\n', encoding="utf-8")
    config = save_settings(target, GOOD)
    assert config.kiosk.commune == "UBND xã Bình Phú" and config.kiosk.id == "xa-binh-phu"
    assert config.staff.lockout_s == 60 and config.session.idle_timeout_s == 90
    assert [p.code for p in config.guided.procedures] == ["1.001193", "2.000815"]
    id_card, text = config.scanner.presets
    assert (id_card.color, id_card.dpi, id_card.width_mm, text.color, text.height_mm) == (True, 300, 90.0, False, 297.0)
    assert (tmp_path / "kiosk.toml.bak").read_text().startswith("[staff]")


@pytest.mark.parametrize("field, value, key", [
    ("idle_timeout_s", "5", "session.idle_timeout_s"), ("idle_timeout_s", "nhanh", "session.idle_timeout_s"),
    ("start_url", "dichvucong.gov.vn", "portal.start_url"), ("procedures", "khai sinh", "guided.procedures"),
    ("scanner_presets", "text | Văn bản | xám | 2000 | 210 x 297", "scanner.presets"),
    ("scanner_presets", "text | Văn bản | đen | 200 | 210 x 297", "scanner.presets"),
    ("scanner_presets", "text | Văn bản | xám | 200 | A4", "scanner.presets")])
def test_bad_values_are_refused_and_the_file_is_untouched(tmp_path, field, value, key):
    target = tmp_path / "kiosk.toml"
    target.write_text('[kiosk]\ncommune = "cũ"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        save_settings(target, EditableSettings(**{**GOOD.__dict__, field: value}))
    assert err.value.key == key
    assert target.read_text(encoding="utf-8") == '[kiosk]\ncommune = "cũ"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.toml"]


@pytest.mark.allow_log("settings.refused")
def test_the_settings_screen_saves_and_applies(make_kiosk, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "conf" / "kiosk.toml"
    monkeypatch.setattr("kiosk_app.paths.default_config_file", lambda: target)
    kiosk = make_kiosk()
    StaffStore(kiosk.store).add("Bình", "admin", hash_pin("2468"))
    sign_in(kiosk, qtbot, "2468")
    click(qtbot, kiosk.window, "staffSettings")
    screen = kiosk.nav.screen("staff_settings")
    screen.idle.setText("10")
    click(qtbot, screen, "settingsSave")
    assert screen.message.text() == T.SETTINGS_BAD.format(field=T.SETTINGS_FIELDS["session.idle_timeout_s"], detail="")
    assert not target.exists()
    screen.commune.setText("UBND xã Bình Phú")
    screen.idle.setText("200")
    screen.procedures.setPlainText("9.999 | Thủ tục thử")
    click(qtbot, screen, "settingsSave")
    assert screen.message.text() == T.SETTINGS_SAVED
    assert tomllib.loads(target.read_text(encoding="utf-8"))["session"]["idle_timeout_s"] == 200
    assert kiosk.idle.timeout_s == 200 and kiosk.home.commune.text() == "UBND xã Bình Phú"
    click(qtbot, screen, "settingsBack")
    click(qtbot, kiosk.window, "staffGuided")
    assert kiosk.nav.current == "staff_guided"
    assert kiosk.staff_guided.findChild(QPushButton, "proc_9.999").isVisible()
    assert kiosk.staff_guided.findChild(QPushButton, "proc_1.001193") is None
