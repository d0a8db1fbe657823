"""Guides by touch: every guide in sight, every step of a guide within three taps of the home
screen, and a long step list paged with big arrows instead of a scroll bar."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from video_media import VLC_TEST_ARGS

from kiosk_app.app import Kiosk, Options
from kiosk_app.config import load_config
from kiosk_app.shell import theme
from kiosk_app.videos.screens import StepButton, StepPager, step_pages

WAIT_MS = 10_000


def test_steps_are_split_into_pages_that_fit():
    assert step_pages([60] * 10, 600) == [(0, 10)]
    assert step_pages([60] * 10, 250) == [(0, 4), (4, 8), (8, 10)]
    assert step_pages([60, 300, 60], 200) == [(0, 1), (1, 2), (2, 3)]  # a tall step still gets a page
    assert step_pages([], 200) == [(0, 0)]


def test_a_long_step_list_is_paged_with_arrows(qtbot):
    pager = StepPager()
    qtbot.addWidget(pager)
    pager.resize(500, 200)  # room for a few steps only
    pager.show()
    pager.set_buttons([StepButton(f"{i + 1}. Bước số {i + 1}", f"s{i}") for i in range(10)])
    qtbot.waitUntil(lambda: len(pager.pages) > 1, timeout=WAIT_MS)
    assert pager.down.isVisible() and not pager.up.isEnabled()
    seen = set()
    for page in range(len(pager.pages)):
        shown = [i for i, b in enumerate(pager.buttons) if b.isVisible()]
        assert shown and all(pager.rect().contains(b.geometry()) for b in pager.buttons if b.isVisible())
        seen.update(shown)
        if page + 1 < len(pager.pages):
            qtbot.mouseClick(pager.down, Qt.MouseButton.LeftButton)
    assert seen == set(range(10)) and not pager.down.isEnabled()
    pager.show_step(0)
    assert pager.buttons[0].isVisible() and not pager.buttons[9].isVisible()


def test_any_step_is_three_taps_from_the_home_screen(qtbot, qapp, kiosk_paths):
    qapp.setStyleSheet(theme.stylesheet(theme.metrics_for_app()))  # the kiosk's sizes, as app.run sets them
    cfg = load_config()
    cfg = dataclasses.replace(cfg, videos=dataclasses.replace(cfg.videos, extra_vlc_args=list(VLC_TEST_ARGS)))
    kiosk = Kiosk(cfg, kiosk_paths, Options(windowed=True))
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        qtbot.mouseClick(kiosk.front.home, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))  # 1
        assert kiosk.nav.current == "menu"
        qtbot.mouseClick(kiosk.window.findChild(QPushButton, "menu_guides"), Qt.MouseButton.LeftButton)  # 2
        listing = kiosk.guides.list_screen
        last = len(kiosk.guides.library.guide("nop-ho-so").steps) - 1
        chip = listing.findChild(QPushButton, f"guide-nop-ho-so-step{last}")
        assert chip.isVisible()
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)  # 3
        player = kiosk.nav.screen("guide_player")
        assert kiosk.nav.current == "guide_player"
        qtbot.waitUntil(lambda: player.step_buttons[last].isChecked(), timeout=WAIT_MS)
        assert player.step_buttons[last].isVisible()  # its page of the step list is shown
    finally:
        kiosk.shutdown()
        qapp.setStyleSheet("")
