import tomllib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk_app.admin.pin import hash_pin
from kiosk_app.admin.settings import (EditableSettings, PresetRow, SettingsError, check_procedures, save_settings,
                                      toml_dumps)
from kiosk_app.storage.staff_store import StaffStore
from kiosk_app.strings import staff as T
from tests.staff.test_flows import click, sign_in

ID_CARD = PresetRow("id_card", "Giấy tờ tùy thân", True, 300, 90.0, 60.0)
TEXT = PresetRow("text", "Văn bản", False, 200, 210.0, 297.0)
GOOD = EditableSettings("UBND xã Bình Phú", 90, "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
                        (("1.001193", "Đăng ký khai sinh"), ("", ""), ("2.000815", "Chứng thực bản sao")),
                        (ID_CARD, TEXT))


def test_toml_round_trip_keeps_vietnamese_and_quotes():
    data = {"kiosk": {"commune": 'UBND xã "Bình Phú"\\'}, "guided": {"procedures": [{"code": "1", "name": "Khai sinh"}]},
            "session": {"idle_timeout_s": 90, "flag": True, "scale": 1.5}, "top": ["a", "b"]}
    assert tomllib.loads(toml_dumps(data)) == data


def test_procedure_rows():
    assert check_procedures([("1", "A"), (" ", ""), (" 2", "B ")]) == [{"code": "1", "name": "A"},
                                                                      {"code": "2", "name": "B"}]
    for bad in ([("1", "")], [("", "A")], [], [("", "")]):
        with pytest.raises(SettingsError):
            check_procedures(bad)


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
    ("idle_timeout_s", 5, "session.idle_timeout_s"),
    ("start_url", "dichvucong.gov.vn", "portal.start_url"), ("procedures", (("", "khai sinh"),), "guided.procedures"),
    ("scanner_presets", (PresetRow("text", "Văn bản", False, 2000, 210, 297),), "scanner.presets"),
    ("scanner_presets", (PresetRow("text", " ", False, 200, 210, 297),), "scanner.presets"),
    ("scanner_presets", (), "scanner.presets")])
def test_bad_values_are_refused_and_the_file_is_untouched(tmp_path, field, value, key):
    target = tmp_path / "kiosk.toml"
    target.write_text('[kiosk]\ncommune = "cũ"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        save_settings(target, EditableSettings(**{**GOOD.__dict__, field: value}))
    assert err.value.key == key
    assert target.read_text(encoding="utf-8") == '[kiosk]\ncommune = "cũ"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["kiosk.toml"]


@pytest.fixture
def settings_screen(make_kiosk, qtbot, tmp_path, monkeypatch):
    """The administrator on the settings screen; saving writes tmp_path/conf/kiosk.toml."""
    target = tmp_path / "conf" / "kiosk.toml"
    monkeypatch.setattr("kiosk_app.paths.default_config_file", lambda: target)
    kiosk = make_kiosk()
    StaffStore(kiosk.store).add("Bình", "admin", hash_pin("2468"))
    sign_in(kiosk, qtbot, "2468")
    click(qtbot, kiosk.window, "staffSettings")
    return kiosk, kiosk.nav.screen("staff_settings"), target


@pytest.mark.allow_log("settings.refused")
def test_the_settings_screen_saves_and_applies(settings_screen, qtbot):
    kiosk, screen, target = settings_screen
    screen.idle.set_value(10)  # the stepper stops at the smallest allowed value
    assert screen.idle.value == 15 and not screen.idle.down.isEnabled()
    screen.procedures.rows[0][1].setText("")
    click(qtbot, screen, "settingsSave")
    assert screen.message.text() == T.SETTINGS_BAD.format(field=T.SETTINGS_FIELDS["guided.procedures"], detail="")
    assert not target.exists()
    screen.commune.setText("UBND xã Bình Phú")
    for _ in range(2):
        click(qtbot, screen, "settings_session.idle_timeout_sUp")
    # Procedures: remove every row but one, edit it, add one.
    click(qtbot, screen, "settingsSection_procedures")
    for i in range(len(screen.procedures.rows) - 1, 0, -1):
        click(qtbot, screen, f"procRemove{i}")
    screen.procedures.rows[0][0].setText("9.999")
    screen.procedures.rows[0][1].setText("Thủ tục thử")
    click(qtbot, screen, "procAdd")
    screen.procedures.rows[1][0].setText("9.998")
    screen.procedures.rows[1][1].setText("Thủ tục thứ hai")
    # Scan buttons: the first in grayscale at 250 dpi.
    click(qtbot, screen, "settingsSection_presets")
    click(qtbot, screen, "preset0Color")
    click(qtbot, screen, "preset0DpiDown")
    click(qtbot, screen, "settingsSave")
    assert screen.message.text() == T.SETTINGS_SAVED
    saved = tomllib.loads(target.read_text(encoding="utf-8"))
    assert saved["session"]["idle_timeout_s"] == 45
    assert saved["guided"]["procedures"] == [{"code": "9.999", "name": "Thủ tục thử"},
                                             {"code": "9.998", "name": "Thủ tục thứ hai"}]
    assert saved["scanner"]["presets"][0] == {"key": "id_card", "label": "Giấy tờ tùy thân", "color": False,
                                              "dpi": 275, "width_mm": 90.0, "height_mm": 60.0}
    assert kiosk.idle.timeout_s == 45 and kiosk.front.home.commune.text() == "UBND xã Bình Phú"
    click(qtbot, screen, "settingsBack")
    click(qtbot, kiosk.window, "staffGuided")
    assert kiosk.nav.current == "staff_guided"
    assert kiosk.staff.guided.findChild(QPushButton, "proc_9.999").isVisible()
    assert kiosk.staff.guided.findChild(QPushButton, "proc_1.001193") is None


def test_the_settings_screen_shows_no_file_path_and_types_with_the_on_screen_keyboard(settings_screen, qtbot):
    kiosk, screen, target = settings_screen
    keyboard = kiosk.window.keyboard_dock.keyboard
    shown = " ".join(w.text() for w in screen.findChildren(QLabel) if w.isVisible())
    assert str(target) not in shown and "/" not in shown
    assert not keyboard.isVisible()
    qtbot.mouseClick(screen.commune, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(keyboard.isVisible)
    screen.commune.selectAll()
    for key in ("x", "a"):
        qtbot.mouseClick(keyboard.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.keys["mark-mu"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.keys["mark-sac"], Qt.MouseButton.LeftButton)
    assert screen.commune.text() == "xấ"
