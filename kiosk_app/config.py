"""The kiosk's settings: a typed schema, loaded from config/default.toml plus the kiosk's own file.

Defaults live in config/default.toml, each with a comment; the schema below says what every key
is and which values are allowed. A bad value or an unknown key stops start-up with one message
that names the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk_app import paths


class ConfigError(Exception):
    """A settings file that cannot be used; the message is meant for a person."""

    def __init__(self, file: Path | str, key: str, value: Any, allowed: str):
        self.file, self.key, self.value, self.allowed = str(file), key, value, allowed
        shown = "(missing)" if value is _MISSING else repr(value)
        super().__init__(f"Config error in {self.file}: {key} = {shown} is not allowed; {allowed}")


_MISSING = object()


def _rule(allowed: str = "", *, min=None, max=None, choices=None, pattern_url=False):
    return {"min": min, "max": max, "choices": choices, "url": pattern_url, "allowed": allowed}


def setting(**rule):
    return field(metadata=_rule(**rule))


@dataclass(frozen=True)
class KioskSection:
    id: str = setting()
    commune: str = setting()


@dataclass(frozen=True)
class UiSection:
    language: str = setting(choices=["vi"])
    font_scale: float = setting(min=0.8, max=2.0)


@dataclass(frozen=True)
class SessionSection:
    idle_timeout_s: int = setting(min=15, max=3600)
    countdown_s: int = setting(min=5, max=300)


@dataclass(frozen=True)
class SubmissionPatternSection:
    url: str = setting()
    text: str = setting()
    code: str = setting()


@dataclass(frozen=True)
class PortalSection:
    start_url: str = setting(pattern_url=True)
    allowed_domains: list[str] = setting()
    subresource_domains: list[str] = setting()
    allowed_permissions: list[str] = setting()
    zoom: float = setting(min=0.5, max=3.0)
    load_timeout_s: int = setting(min=10, max=600)
    retry_s: int = setting(min=3, max=300)
    download_extensions: list[str] = setting()
    max_download_mb: int = setting(min=1, max=200)
    keep_dossier_code: bool = setting()
    practice: str = setting(choices=["off", "on", "when-offline"])
    submission_patterns: list[SubmissionPatternSection] = setting()


@dataclass(frozen=True)
class StaffSection:
    failed_pin_limit: int = setting(min=1, max=20)
    lockout_s: int = setting(min=10, max=3600)


@dataclass(frozen=True)
class Procedure:
    code: str = setting()
    name: str = setting()


@dataclass(frozen=True)
class GuidedSection:
    procedures: list[Procedure] = setting()


@dataclass(frozen=True)
class FeedbackSection:
    enabled: bool = setting()
    reset_s: int = setting(min=5, max=300)


@dataclass(frozen=True)
class ReportsSection:
    utc_offset_hours: int = setting(min=-12, max=14)
    usb_roots: list[str] = setting()


@dataclass(frozen=True)
class SyncSection:
    enabled: bool = setting()
    url: str = setting()
    token: str = setting()
    batch_size: int = setting(min=1, max=5000)
    timeout_s: int = setting(min=1, max=300)
    retry_max_s: int = setting(min=1, max=86400)


@dataclass(frozen=True)
class VideosSection:
    manifest: str = setting()
    pause_after_step: bool = setting()
    volume: int = setting(min=0, max=100)
    subtitles: bool = setting()
    extra_vlc_args: list[str] = setting()


@dataclass(frozen=True)
class ScanPresetSection:
    key: str = setting()
    label: str = setting()
    color: bool = setting()
    dpi: int = setting(min=75, max=600)
    width_mm: float = setting(min=20.0, max=432.0)
    height_mm: float = setting(min=20.0, max=432.0)


@dataclass(frozen=True)
class ScannerSection:
    device: str = setting()
    test_scanner_fallback: bool = setting()
    hang_timeout_s: int = setting(min=10, max=600)
    size_budget_mb: float = setting(min=0.2, max=100.0)
    jpeg_quality: int = setting(min=50, max=95)
    min_dpi: int = setting(min=75, max=300)
    single_page_jpeg: bool = setting()
    detect_blank_pages: bool = setting()
    document_types: list[str] = setting()
    presets: list[ScanPresetSection] = setting()


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskSection
    ui: UiSection
    session: SessionSection
    portal: PortalSection
    staff: StaffSection
    guided: GuidedSection
    feedback: FeedbackSection
    reports: ReportsSection
    sync: SyncSection
    videos: VideosSection
    scanner: ScannerSection
    source_files: tuple[str, ...] = ()


# ---------------------------------------------------------------- loading


def load_config(override: Path | None = None, default: Path | None = None) -> KioskConfig:
    """Defaults, then the kiosk's own file on top; raise ConfigError on any problem."""
    default = default or paths.DEFAULT_CONFIG_FILE
    merged = _read_toml(default)
    origin = {k: default for k in _flat_keys(merged)}
    files = [str(default)]
    if override is not None:
        own = _read_toml(override)
        for key in _flat_keys(own):
            origin[key] = override
        merged = _deep_merge(merged, own)
        files.append(str(override))
    cfg = _build(KioskConfig, merged, "", origin, default)
    return dataclasses.replace(cfg, source_files=tuple(files))


# A kiosk's settings are a few kilobytes; anything far larger is a mistake (or an attack on the
# tools that print settings), refused before it is read whole.
MAX_CONFIG_BYTES = 256 * 1024


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(path, "(file)", str(path), f"the file is larger than {MAX_CONFIG_BYTES // 1024} KB")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "(file)", str(path), "the file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "(file)", str(path), f"the file cannot be read ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "(file)", str(path), f"it is not valid TOML: {exc}") from None


def _deep_merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for k, v in top.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _flat_keys(d: dict, prefix: str = ""):
    for k, v in d.items():
        key = f"{prefix}{k}"
        yield key
        if isinstance(v, dict):
            yield from _flat_keys(v, key + ".")


def _build(cls, data: Any, prefix: str, origin: dict, default_file: Path):
    def where(key: str) -> Path:
        # An error is reported against the file that set the key (or its closest parent).
        while key and key not in origin:
            key = key.rpartition(".")[0]
        return origin.get(key, default_file)

    if not isinstance(data, dict):
        key = prefix.rstrip(".")
        raise ConfigError(where(key), key, data, "expected a table of settings")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "source_files"}
    for name in data:
        if name not in fields:
            key = prefix + name
            raise ConfigError(where(key), key, data[name], f"unknown setting; known here: {', '.join(fields)}")
    values = {}
    for name, f in fields.items():
        key = prefix + name
        if name not in data:
            raise ConfigError(where(key), key, _MISSING, "this setting is required")
        values[name] = _convert(hints[name], data[name], key, f.metadata, where, origin, default_file)
    return cls(**values)


def _convert(tp, value, key, rule, where, origin, default_file):
    origin_type = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, key + ".", origin, default_file)
    if origin_type is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(where(key), key, value, f"expected a list ({_describe(item_tp, {})} items)")
        return [_convert(item_tp, v, f"{key}[{i}]", {}, where, origin, default_file)
                for i, v in enumerate(value)]
    ok = {
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        str: isinstance(value, str),
    }.get(tp, False)
    allowed = _describe(tp, rule)
    if not ok:
        raise ConfigError(where(key), key, value, f"expected {allowed}")
    if rule.get("choices") and value not in rule["choices"]:
        raise ConfigError(where(key), key, value, f"expected {allowed}")
    if (rule.get("min") is not None and value < rule["min"]) or (
        rule.get("max") is not None and value > rule["max"]
    ):
        raise ConfigError(where(key), key, value, f"expected {allowed}")
    if rule.get("url") and not value.startswith(("https://", "http://")):
        raise ConfigError(where(key), key, value, f"expected {allowed}")
    if tp is str:
        import unicodedata
        value = unicodedata.normalize("NFC", value)
    return float(value) if tp is float else value


def _describe(tp, rule) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    text = names.get(tp, getattr(tp, "__name__", str(tp)))
    if rule.get("choices"):
        return "one of " + ", ".join(repr(c) for c in rule["choices"])
    if rule.get("url"):
        return "a web address starting with https:// or http://"
    lo, hi = rule.get("min"), rule.get("max")
    if lo is not None and hi is not None:
        text += f" from {lo} to {hi}"
    elif lo is not None:
        text += f" of at least {lo}"
    return text
