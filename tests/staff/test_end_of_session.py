"""The end of a resident's session: level-2 advice, a success page that answers the first
question, the dossier-code reminder on the success page, and the survey's QR code."""

import dataclasses

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk_app.config import ConfigError, load_config
from kiosk_app.portal.rules import Submission
from kiosk_app.shell.qr import QUIET_ZONE, qr_modules, qr_pixmap
from kiosk_app.strings import staff as T
from tests.conftest import click
from tests.staff.test_flows import resident_ends, row
from tests.videos.video_media import VLC_TEST_ARGS

SURVEY = "https://zalo.me/s/khao-sat-mot-cua/"


@pytest.fixture
def kiosk_with(make_kiosk):
    """The real kiosk on the menu, with a survey address, the practice portal, and guides that play silently."""
    def make(survey_url: str = "", practice: str | None = None, start_screen: str = "menu"):
        return make_kiosk(start_screen=start_screen, practice=practice, change=lambda cfg: dataclasses.replace(
            cfg, feedback=dataclasses.replace(cfg.feedback, survey_url=survey_url),
            videos=dataclasses.replace(cfg.videos, extra_vlc_args=list(VLC_TEST_ARGS))))
    return make


def to_level2_advice(kiosk, qtbot) -> None:
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSubmitted_no")
    click(qtbot, kiosk.window, "endWhy_no_level2")


def visible_text(widget) -> str:
    return " ".join(w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget))


def test_no_level2_account_says_where_to_go_and_what_to_bring(kiosk_with, qtbot):
    kiosk = kiosk_with()
    sid = kiosk.sessions.current.id
    to_level2_advice(kiosk, qtbot)
    assert kiosk.sessions.current is not None  # not straight to the rating
    shown = visible_text(kiosk.ending.questions)
    for text in (T.LEVEL2_WHERE, T.LEVEL2_BRING, T.LEVEL2_AFTER):
        assert text in shown
    assert "Công an" in shown and "CCCD" in shown and "điện thoại" in shown.lower()
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "level2Done")
    r = row(kiosk, sid)
    assert (r["outcome"], r["not_filed_reason"]) == ("not_filed", "no_level2")
    assert kiosk.nav.current == "satisfaction"


def test_the_level2_answer_offers_the_activation_guide_and_the_session_goes_on(kiosk_with, qtbot):
    kiosk = kiosk_with()
    sid = kiosk.sessions.current.id
    to_level2_advice(kiosk, qtbot)
    click(qtbot, kiosk.window, "level2Guide")
    player = kiosk.nav.screen("guide_player")
    assert kiosk.nav.current == "guide_player" and kiosk.sessions.current.id == sid
    assert player.playback.guide.id == "kich-hoat-muc-2"
    qtbot.waitUntil(lambda: player.step_buttons[1].isChecked(), timeout=10_000)  # "Đăng ký tại Công an xã"
    assert (row(kiosk, sid)["not_filed_reason"]) == "no_level2"  # kept if the resident walks away now
    click(qtbot, kiosk.window, "videoBack")
    assert kiosk.nav.current == "menu"


def test_a_seen_success_page_answers_the_first_question(kiosk_with, qtbot):
    kiosk = kiosk_with()
    sid = kiosk.sessions.current.id
    kiosk.sessions.update(submitted=1)  # what the portal does on a success page
    resident_ends(kiosk, qtbot)
    assert kiosk.nav.current == "end_questions"
    assert kiosk.ending.questions.findChild(QPushButton, "endHelped_alone").isVisible()
    assert kiosk.ending.questions.seen_note.isVisible()
    assert not kiosk.ending.questions.findChild(QPushButton, "endSubmitted_yes").isVisible()
    click(qtbot, kiosk.window, "endBack")  # still a way back to the menu
    assert kiosk.nav.current == "menu"
    resident_ends(kiosk, qtbot)
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "endHelped_alone")
    assert row(kiosk, sid)["outcome"] == "filed_alone"


def test_without_a_success_page_the_first_question_is_asked(kiosk_with, qtbot):
    kiosk = kiosk_with()
    resident_ends(kiosk, qtbot)
    assert kiosk.ending.questions.findChild(QPushButton, "endSubmitted_yes").isVisible()
    assert not kiosk.ending.questions.seen_note.isVisible()


def test_the_success_page_asks_to_write_down_the_dossier_code_and_offers_to_end(kiosk_with, qtbot):
    kiosk = kiosk_with(practice="on", start_screen="portal")
    portal = kiosk.nav.screen("portal")
    with qtbot.waitSignal(portal.submitted, timeout=20_000):
        portal.load(kiosk.portal_room.practice_portal.base_url + "/ho-so/da-nop?tt=khai-sinh&ma=LT-0000ABCD")
    bar = portal.findChild(QLabel, "submittedMessage")
    assert bar.isVisible() and "LT-0000ABCD" in bar.text()
    assert bar.mapTo(portal, bar.rect().bottomLeft()).y() < portal.stack.mapTo(portal, portal.stack.rect().topLeft()).y()
    click(qtbot, portal, "submittedEnd")
    assert kiosk.front.end_confirm.isVisible()
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "endConfirmYes")  # a practice filing: no questions
    assert not bar.isVisible()


def test_the_bar_without_a_code_still_asks_to_write_it_down(kiosk_with, qtbot):
    from kiosk_app.ending.submitted_bar import SubmittedBar

    bar = SubmittedBar()
    qtbot.addWidget(bar)
    bar.show_for(Submission(0, None))
    assert bar.message.text() == T.SUBMITTED_NO_CODE


# ---------------------------------------------------------------- the survey's QR code


def test_the_drawn_code_is_the_code_segno_made():
    modules = qr_modules(SURVEY)
    image = qr_pixmap(SURVEY, 160).toImage()
    scale = image.width() // (len(modules) + 2 * QUIET_ZONE)
    assert image.width() >= 160 and scale >= 2
    for y, line in enumerate(modules):
        for x, dark in enumerate(line):
            pixel = QColor(image.pixel((x + QUIET_ZONE) * scale + scale // 2, (y + QUIET_ZONE) * scale + scale // 2))
            assert (pixel.lightness() < 128) == dark
    assert QColor(image.pixel(1, 1)).lightness() > 128  # the quiet zone is white


def test_the_survey_qr_code_is_on_the_rating_and_thanks_screens(kiosk_with, qtbot):
    kiosk = kiosk_with(survey_url=SURVEY)
    resident_ends(kiosk, qtbot)
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "endSkip")
    screen = kiosk.ending.rating
    code = screen.findChild(QLabel, "satSurveyQr")
    assert kiosk.nav.current == "satisfaction" and code.isVisible() and not code.pixmap().isNull()
    click(qtbot, kiosk.window, "satRate_5")
    assert not code.isVisible()  # the trips question: the QR code would only distract
    click(qtbot, kiosk.window, "satTrips_0")
    assert code.isVisible()  # thanks


def test_no_survey_url_no_qr_code(kiosk_with, qtbot):
    kiosk = kiosk_with()
    resident_ends(kiosk, qtbot)
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "endSkip")
    assert kiosk.ending.rating.findChild(QLabel, "satSurveyQr") is None


def test_the_survey_url_must_be_a_web_address_or_empty(tmp_path):
    assert load_config().feedback.survey_url == ""
    own = tmp_path / "kiosk.toml"
    own.write_text('[feedback]\nsurvey_url = "zalo.me/s/x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(own)
    assert err.value.key == "feedback.survey_url"
    own.write_text(f'[feedback]\nsurvey_url = "{SURVEY}"\n', encoding="utf-8")
    assert load_config(own).feedback.survey_url == SURVEY
