import re
import tomllib

import pytest

from kiosk_app.config import ConfigError, KioskConfig, load_config
from kiosk_app.paths import DEFAULT_CONFIG_FILE


def write(tmp_path, text, name="kiosk.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_load_with_every_section():
    cfg = load_config()
    assert isinstance(cfg, KioskConfig)
    assert cfg.ui.language == "vi"
    assert cfg.session.idle_timeout_s == 120
    assert "dichvucong.gov.vn" in cfg.portal.allowed_domains
    assert cfg.source_files == (str(DEFAULT_CONFIG_FILE),)


def test_kiosk_file_overrides_only_what_it_sets(tmp_path):
    own = write(tmp_path, '[kiosk]\ncommune = "UBND xã Bình Phú"\n[session]\ncountdown_s = 20\n')
    cfg = load_config(own)
    assert cfg.kiosk.commune == "UBND xã Bình Phú"
    assert cfg.kiosk.id == "kiosk-01"
    assert cfg.session.countdown_s == 20
    assert cfg.session.idle_timeout_s == 120


def test_text_is_normalised_to_nfc(tmp_path):
    nfd = "UBND xã Nguye\u0302\u0303n"  # decomposed diacritics
    cfg = load_config(write(tmp_path, f'[kiosk]\ncommune = "{nfd}"\n'))
    assert cfg.kiosk.commune == "UBND xã Nguyễn"
    assert len(cfg.kiosk.commune) == len("UBND xã Nguyễn")


@pytest.mark.parametrize("text, key, value, allowed", [
    ('[session]\nidle_timeout_s = "abc"\n', "session.idle_timeout_s", "'abc'", "a whole number from 15 to 3600"),
    ("[session]\nidle_timeout_s = 5\n", "session.idle_timeout_s", "5", "a whole number from 15 to 3600"),
    ("[session]\ncountdown_s = true\n", "session.countdown_s", "True", "a whole number"),
    ('[ui]\nlanguage = "en"\n', "ui.language", "'en'", "one of 'vi'"),
    ('[portal]\nstart_url = "ftp://x"\n', "portal.start_url", "'ftp://x'", "https://"),
    ('[portal]\nallowed_domains = "x.vn"\n', "portal.allowed_domains", "'x.vn'", "expected a list"),
    ("[portal]\nallowed_domains = [1]\n", "portal.allowed_domains[0]", "1", "text"),
    ("[session]\nidle_timout_s = 60\n", "session.idle_timout_s", "60", "unknown setting"),
    ("[printer]\nname = 'x'\n", "printer", "{'name': 'x'}", "unknown setting"),
    ("session = 3\n", "session", "3", "a table of settings"),
])
def test_bad_value_names_file_key_value_and_what_is_allowed(tmp_path, text, key, value, allowed):
    own = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(own)
    message = str(err.value)
    assert str(own) in message
    assert f"{key} = {value}" in message
    assert allowed in message
    assert err.value.key == key


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"does not exist") as err:
        load_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(err.value)


def test_invalid_toml_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 1"):
        load_config(write(tmp_path, "[session\n"))


def test_setting_missing_from_defaults_is_reported(tmp_path):
    default = write(tmp_path, DEFAULT_CONFIG_FILE.read_text().replace("countdown_s = 30", ""), "d.toml")
    with pytest.raises(ConfigError, match=r"session.countdown_s = \(missing\)"):
        load_config(default=default)


def test_every_default_setting_has_a_comment():
    lines = DEFAULT_CONFIG_FILE.read_text(encoding="utf-8").splitlines()
    data = tomllib.loads("\n".join(lines))
    for i, line in enumerate(lines):
        m = re.match(r"^(\w+)\s*=", line)
        if m:
            assert lines[i - 1].lstrip().startswith("#"), f"setting {m.group(1)} has no comment"
    assert {"kiosk", "ui", "session", "portal", "staff"} <= set(data)
