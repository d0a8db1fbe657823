"""The settings an administrator changes on the kiosk itself, saved to the kiosk's own TOML file.

Changes are merged into that file (other keys kept), checked with the same schema the kiosk uses
at start-up, and only then written (temporary file, then rename). Comments in the file are not
kept; the previous file is kept next to it as `<name>.bak`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kiosk_app.config import ConfigError, KioskConfig, load_config


class SettingsError(Exception):
    """A value that cannot be saved; `key` names the setting, the message is for the log."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class PresetRow:
    """One scan button: key (for logs), label, colour or grayscale, resolution and scan area."""

    key: str
    label: str
    color: bool
    dpi: int
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class EditableSettings:
    commune: str
    idle_timeout_s: int
    start_url: str
    procedures: tuple[tuple[str, str], ...]  # (code, name)
    scanner_presets: tuple[PresetRow, ...]

    @classmethod
    def from_config(cls, cfg: KioskConfig) -> "EditableSettings":
        presets = tuple(PresetRow(p.key, p.label, p.color, p.dpi, p.width_mm, p.height_mm)
                        for p in cfg.scanner.presets)
        return cls(cfg.kiosk.commune, cfg.session.idle_timeout_s, cfg.portal.start_url,
                   tuple((p.code, p.name) for p in cfg.guided.procedures), presets)


def check_procedures(rows) -> list[dict]:
    """Rows left wholly empty are dropped; a half-filled row or an empty list is refused."""
    out = []
    for n, (code, name) in enumerate(rows, 1):
        code, name = code.strip(), name.strip()
        if not code and not name:
            continue
        if not code or not name:
            raise SettingsError("guided.procedures", f"row {n}: both a code and a name are needed")
        out.append({"code": code, "name": name})
    if not out:
        raise SettingsError("guided.procedures", "the list of procedures is empty")
    return out


def check_presets(rows) -> list[dict]:
    out = []
    for n, row in enumerate(rows, 1):
        if not row.key.strip() or not row.label.strip():
            raise SettingsError("scanner.presets", f"row {n}: both a key and a label are needed")
        out.append({"key": row.key.strip(), "label": row.label.strip(), "color": bool(row.color), "dpi": int(row.dpi),
                    "width_mm": float(row.width_mm), "height_mm": float(row.height_mm)})
    if not out:
        raise SettingsError("scanner.presets", "the list of scan presets is empty")
    return out


def changes_from(edited: EditableSettings) -> dict:
    return {"kiosk": {"commune": edited.commune.strip()}, "session": {"idle_timeout_s": int(edited.idle_timeout_s)},
            "portal": {"start_url": edited.start_url.strip()},
            "guided": {"procedures": check_procedures(edited.procedures)},
            "scanner": {"presets": check_presets(edited.scanner_presets)}}


# ---------------------------------------------------------------- a small TOML writer


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        return f'"{escaped}"'
    if isinstance(v, list):
        if any(isinstance(i, dict) for i in v):
            return "[\n" + "".join(f"    {_toml_value(i)},\n" for i in v) + "]"
        return "[" + ", ".join(_toml_value(i) for i in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def toml_dumps(data: dict) -> str:
    """Tables of values (one level of sections, as the kiosk's settings are)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section, values in data.items():
        if isinstance(values, dict):
            lines += ["", f"[{section}]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for k, v in top.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def save_settings(target: Path, edited: EditableSettings) -> KioskConfig:
    """Validate and write; returns the configuration the kiosk should now use."""
    target = Path(target)
    changes = changes_from(edited)
    current = {}
    if target.exists():
        try:
            current = tomllib.loads(target.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError("(file)", f"cannot read {target}: {exc}") from exc
    text = toml_dumps(_merge(current, changes))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise SettingsError("(file)", f"cannot write {target.parent}: {exc}") from exc
    try:
        load_config(Path(tmp))  # the very text about to be saved must load
    except ConfigError as exc:
        os.unlink(tmp)
        raise SettingsError(exc.key.split("[")[0], str(exc).replace(tmp, str(target))) from exc
    try:
        if target.exists():
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        os.replace(tmp, target)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise SettingsError("(file)", f"cannot write {target}: {exc}") from exc
    return load_config(target)
