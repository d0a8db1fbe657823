"""What is wrong with one screen's layout, from the facts tests/layout/probe.py measured (no Qt)."""

from __future__ import annotations

from itertools import combinations

SLACK_PX = 1  # rounding of font metrics
MIN_CONTRAST = 3.0  # WCAG's least contrast for large text (the kiosk's text is all large)


def _describe(w: dict) -> str:
    text = f" {w['text']!r}" if w.get("text") else ""
    return f"{w['cls']}#{w['name'] or '-'}{text} at {w['rect']}"


def _inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def _overlap_area(a: list[int], b: list[int]) -> int:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def window_problems(screen: list[int], window: list[int]) -> list[str]:
    return [] if window == screen else [f"the window is {window}, the screen {screen}"]


def outside_problems(window: list[int], widgets: list[dict]) -> list[str]:
    """Visible widgets reaching past the window, or a dialog past the screen (content of a scroll
    area may, until scrolled to)."""
    frame = [0, 0, window[2], window[3]]
    return [f"outside the window: {_describe(w)}" for w in widgets
            if not w["scrolled"] and w["rect"][2] > 0 and not _inside(w["rect"], frame)]


def overlap_problems(widgets: list[dict]) -> list[str]:
    """Visible widgets laid out side by side by the same parent must not cover each other."""
    by_parent: dict[int, list[dict]] = {}
    for w in widgets:
        if w["managed"] and w["parent"] is not None:
            by_parent.setdefault(w["parent"], []).append(w)
    return [f"overlap: {_describe(a)} and {_describe(b)}"
            for siblings in by_parent.values() for a, b in combinations(siblings, 2)
            if _overlap_area(a["rect"], b["rect"])]


def scroll_problems(widgets: list[dict]) -> list[str]:
    """Nothing a resident needs is hidden below the fold of a scroll area (scrolling is hard by touch)."""
    return [f"{w['overflow']} px beyond the fold: {_describe(w)}" for w in widgets if w.get("overflow")]


def _seen(widgets: list[dict]) -> list[dict]:
    """Widgets not under something else (an overlay's dark layer)."""
    return [w for w in widgets if not w.get("covered")]


def text_problems(widgets: list[dict]) -> list[str]:
    """Every label's and button's text fits its box (unless eliding is meant); tab and column titles too."""
    found = []
    for w in _seen(widgets):
        if "need" in w and not w["elide"]:
            need_w, need_h, avail_w, avail_h = w["need"]
            if need_w > avail_w + SLACK_PX or need_h > avail_h + SLACK_PX:
                found.append(f"text cut ({need_w}x{need_h} in {avail_w}x{avail_h}): {_describe(w)}")
        for part in w.get("tabs", []) + w.get("sections", []):
            if part["need"] > part["width"] + SLACK_PX:
                found.append(f"title cut ({part['need']} in {part['width']}): {part['text']!r} of {_describe(w)}")
            if part.get("need_h", 0) > part.get("height", 0) + SLACK_PX:
                found.append(f"title cut ({part['need_h']} px high in {part['height']}): {part['text']!r} of "
                             f"{_describe(w)}")
    return found


def contrast_problems(widgets: list[dict]) -> list[str]:
    """Text that can be told from its background (white on white is invisible)."""
    return [f"contrast {w['contrast']}:1 < {MIN_CONTRAST}:1: {_describe(w)}"
            for w in widgets if w.get("contrast") is not None and w["contrast"] < MIN_CONTRAST]


def target_problems(widgets: list[dict], target_px: int) -> list[str]:
    """Every button, field and tab a finger must hit is at least 15 mm both ways."""
    found = [f"touch target {w['target']} px < {target_px} px: {_describe(w)}"
             for w in _seen(widgets) if w.get("target") is not None and w["target"] < target_px]
    for w in _seen(widgets):
        for tab in w.get("tabs", []):
            if min(tab["width"], tab["height"]) < target_px:
                found.append(f"tab {tab['height']} px < {target_px} px: {tab['text']!r}")
    return found


def font_problems(widgets: list[dict], body_px: int) -> list[str]:
    found = [f"text {w['font_px']:.0f} px < {body_px} px: {_describe(w)}"
             for w in _seen(widgets) if "font_px" in w and w["font_px"] < body_px - 0.5]
    for w in _seen(widgets):
        for part in w.get("tabs", []) + w.get("sections", []):
            if part["font_px"] < body_px - 0.5:
                found.append(f"text {part['font_px']:.0f} px < {body_px} px: {part['text']!r}")
    return found


def screen_problems(report: dict, name: str) -> dict[str, list[str]]:
    """Every kind of problem of one screen, by kind; empty lists when the screen is right."""
    facts = report["screens"][name]
    widgets = facts["widgets"]
    return {
        "window": window_problems(report["screen"], facts["window"]),
        "outside": outside_problems(facts["window"], widgets),
        "overlap": overlap_problems(widgets),
        "scroll": scroll_problems(widgets),
        "text": text_problems(widgets),
        "contrast": contrast_problems(widgets),
        "target": target_problems(widgets, report["target_px"]),
        "font": font_problems(widgets, report["body_px"]),
    }
