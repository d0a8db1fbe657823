"""Every way a session can end, driven through the real screens."""

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk_app.admin.pin import hash_pin
from kiosk_app.storage.staff_store import StaffStore
from kiosk_app.strings import staff as T
from tests.conftest import click


def row(kiosk, sid):
    kiosk.store.flush()
    return kiosk.store.database["sessions"].get(sid)


def resident_ends(kiosk, qtbot):
    click(qtbot, kiosk.window, "menu_end")
    click(qtbot, kiosk.window, "endConfirmYes")


def sign_in(kiosk, qtbot, pin):
    kiosk.window.staff_requested.emit()
    kiosk.staff_pin.field.setText(pin)
    click(qtbot, kiosk.window, "pinOk")
    assert kiosk.nav.current == "staff_menu"


@pytest.fixture
def staff(make_kiosk):
    def make(**kw):
        kiosk = make_kiosk(**kw)
        accounts = StaffStore(kiosk.store)
        kiosk.officer_id = accounts.add("Nguyễn Văn An", "officer", hash_pin("1357"))
        kiosk.admin_id = accounts.add("Trần Thị Bình", "admin", hash_pin("2468"))
        return kiosk
    return make


@pytest.mark.parametrize("answers, outcome, helped, reason", [
    (["endSubmitted_yes", "endHelped_alone"], "filed_alone", 0, None),
    (["endSubmitted_yes", "endHelped_helped"], "filed_helped", 1, None),
    (["endSubmitted_no", "endWhy_missing_documents"], "not_filed", 0, "missing_documents"),
    (["endSubmitted_no", "endSkip"], "not_filed", 0, None),
    (["endSkip"], None, 0, None),
])
def test_the_residents_two_questions_record_the_outcome(make_kiosk, qtbot, answers, outcome, helped, reason):
    kiosk = make_kiosk(start_screen="menu")
    sid = kiosk.sessions.current.id
    resident_ends(kiosk, qtbot)
    assert kiosk.nav.current == "end_questions" and kiosk.sessions.current is not None
    for i, name in enumerate(answers):
        if i == len(answers) - 1:
            with qtbot.waitSignal(kiosk.sessions.ended):
                click(qtbot, kiosk.window, name)
        else:
            click(qtbot, kiosk.window, name)
    r = row(kiosk, sid)
    assert (r["outcome"], r["helped"], r["not_filed_reason"], r["end_reason"]) == (outcome, helped, reason, "finished")
    assert r["submitted"] == (1 if outcome and outcome.startswith("filed") else 0)
    assert kiosk.nav.current == "satisfaction"


def test_going_back_from_the_questions_keeps_the_session(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu")
    session = kiosk.sessions.current
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endBack")
    assert kiosk.nav.current == "menu" and kiosk.sessions.current is session


def test_satisfaction_is_saved_anonymously_then_goes_home(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu")
    sid = kiosk.sessions.current.id
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSubmitted_yes")
    click(qtbot, kiosk.window, "endHelped_alone")
    click(qtbot, kiosk.window, "satRate_5")
    click(qtbot, kiosk.window, "satTrips_0")
    assert kiosk.satisfaction.pages.currentIndex() == 3  # thanks: a good rating asks no reason
    click(qtbot, kiosk.window, "satDone")
    assert kiosk.nav.current == "home"
    r = row(kiosk, sid)
    assert (r["satisfaction"], r["trips"], r["satisfaction_reason"]) == (5, 0, None)


def test_a_low_rating_asks_why_and_the_screen_resets_by_itself(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu", reset_s=0.3)
    sid = kiosk.sessions.current.id
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSkip")
    click(qtbot, kiosk.window, "satRate_1")
    click(qtbot, kiosk.window, "satTrips_2")
    assert kiosk.satisfaction.pages.currentIndex() == 2
    assert kiosk.window.findChild(QPushButton, "satWhy_waited_long").isVisible()
    qtbot.waitUntil(lambda: kiosk.nav.current == "home", timeout=5000)  # nobody answered the reason
    r = row(kiosk, sid)
    assert (r["satisfaction"], r["trips"], r["satisfaction_reason"]) == (1, 2, None)


def test_an_unanswered_rating_saves_nothing(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu", reset_s=0.2)
    sid = kiosk.sessions.current.id
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSkip")
    qtbot.waitUntil(lambda: kiosk.nav.current == "home", timeout=5000)
    assert row(kiosk, sid)["satisfaction"] is None


def test_no_satisfaction_screen_when_switched_off(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu", feedback=False)
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSkip")
    assert kiosk.nav.current == "home"


def test_officer_starts_a_guided_session_steps_in_and_the_resident_files(staff, qtbot):
    kiosk = staff()
    sign_in(kiosk, qtbot, "1357")
    menu = kiosk.staff_menu
    assert not menu.buttons["stats"].isVisible() and not menu.buttons["exit"].isVisible()  # officer
    assert not menu.buttons["step_in"].isVisible()  # no session yet
    click(qtbot, kiosk.window, "staffGuided")
    click(qtbot, kiosk.window, "guided_alone")
    assert kiosk.staff_guided.message.text() == T.GUIDED_NEED_PROCEDURE and kiosk.sessions.current is None
    click(qtbot, kiosk.window, "proc_1.001193")
    with qtbot.waitSignal(kiosk.sessions.started):
        click(qtbot, kiosk.window, "guided_alone")
    assert kiosk.nav.current == "menu" and kiosk.auth.signed_in is None
    sid = kiosk.sessions.current.id
    r = row(kiosk, sid)
    assert (r["start_kind"], r["mode"], r["procedure_code"], r["officer_id"], r["helped"]) == \
           ("staff", "guided", "1.001193", kiosk.officer_id, 0)

    sign_in(kiosk, qtbot, "1357")  # the resident is stuck: the officer steps in
    click(qtbot, kiosk.window, "staffStepIn")
    assert T.STEPPED_IN in menu.session_line.text() and not menu.buttons["step_in"].isVisible()
    click(qtbot, kiosk.window, "staffBack")
    assert kiosk.nav.current == "menu"
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSubmitted_yes")
    with qtbot.waitSignal(kiosk.sessions.ended):
        click(qtbot, kiosk.window, "endHelped_alone")  # the resident says alone; the officer did help
    assert row(kiosk, sid)["outcome"] == "filed_helped"


@pytest.mark.parametrize("answers, outcome, reason", [
    (["outcome_filed_alone"], "filed_alone", None),
    (["outcome_filed_helped"], "filed_helped", None),
    (["outcome_not_filed", "outcomeWhy_no_level2"], "not_filed", "no_level2"),
    (["outcome_practice"], "practice", None),
])
def test_officer_records_the_outcome_and_ends(staff, qtbot, answers, outcome, reason):
    kiosk = staff(start_screen="menu")
    sid = kiosk.sessions.current.id
    sign_in(kiosk, qtbot, "2468")
    assert kiosk.staff_menu.buttons["stats"].isVisible()  # administrator
    click(qtbot, kiosk.window, "staffOutcome")
    for name in answers[:-1]:
        click(qtbot, kiosk.window, name)
    with qtbot.waitSignal(kiosk.sessions.ended) as ended:
        click(qtbot, kiosk.window, answers[-1])
    assert ended.args == [sid, "staff"]
    r = row(kiosk, sid)
    assert (r["outcome"], r["not_filed_reason"], r["officer_id"]) == (outcome, reason, kiosk.admin_id)
    assert kiosk.nav.current == "satisfaction"


def test_a_practice_session_asks_no_outcome_questions(staff, qtbot):
    kiosk = staff()
    sign_in(kiosk, qtbot, "1357")
    click(qtbot, kiosk.window, "staffGuided")
    click(qtbot, kiosk.window, "guided_practice")
    sid = kiosk.sessions.current.id
    with qtbot.waitSignal(kiosk.sessions.ended):
        resident_ends(kiosk, qtbot)
    r = row(kiosk, sid)
    assert (r["mode"], r["outcome"], r["procedure_code"]) == ("practice", "practice", None)
    assert kiosk.nav.current == "satisfaction"


def test_guided_with_help_counts_as_helped_from_the_start(staff, qtbot):
    kiosk = staff()
    sign_in(kiosk, qtbot, "1357")
    click(qtbot, kiosk.window, "staffGuided")
    click(qtbot, kiosk.window, "proc_other")
    click(qtbot, kiosk.window, "guided_with_help")
    sid = kiosk.sessions.current.id
    resident_ends(kiosk, qtbot)
    click(qtbot, kiosk.window, "endSubmitted_yes")
    click(qtbot, kiosk.window, "endHelped_alone")
    r = row(kiosk, sid)
    assert (r["helped"], r["outcome"], r["procedure_code"]) == (1, "filed_helped", None)


def test_the_staff_screens_fit_a_1366_by_768_screen(make_kiosk):
    from kiosk_app.shell import theme
    kiosk = make_kiosk()
    m = theme.Metrics.for_screen(1366, 768, 96)
    kiosk.window.setStyleSheet(theme.stylesheet(m))
    for name in ("staff_menu", "staff_guided", "staff_outcome", "end_questions", "satisfaction"):
        assert kiosk.nav.screen(name).minimumSizeHint().height() <= 768, name


def test_an_officer_switches_a_running_session_to_practice(staff, qtbot):
    kiosk = staff(start_screen="scan")
    sid = kiosk.sessions.current.id
    sign_in(kiosk, qtbot, "1357")
    click(qtbot, kiosk.window, "staffPractice")
    assert kiosk.nav.current == "scan"  # back where the resident was
    assert kiosk.sessions.current.mode == "practice"
    assert row(kiosk, sid)["mode"] == "practice"
    sign_in(kiosk, qtbot, "1357")
    assert not kiosk.staff_menu.findChild(QPushButton, "staffPractice").isVisible()


def test_the_officer_sees_that_a_helped_session_counts_as_with_help(staff, qtbot):
    """One rule: an officer's outcome on a session already marked helped is "with help"."""
    kiosk = staff(start_screen="menu")
    sid = kiosk.sessions.current.id
    sign_in(kiosk, qtbot, "1357")
    click(qtbot, kiosk.window, "staffStepIn")
    click(qtbot, kiosk.window, "staffOutcome")
    screen = kiosk.staff_outcome
    assert screen.helped_note.isVisible() and screen.helped_note.text() == T.OUTCOME_HELPED_NOTE
    assert not screen.alone_button.isVisible()
    kiosk.outcomes.record_outcome(kiosk.auth.signed_in, "filed_alone", None)  # whatever is sent
    assert row(kiosk, sid)["outcome"] == "filed_helped"


def test_the_helped_note_is_hidden_when_nobody_helped(staff, qtbot):
    kiosk = staff(start_screen="menu")
    sign_in(kiosk, qtbot, "1357")
    click(qtbot, kiosk.window, "staffOutcome")
    assert not kiosk.staff_outcome.helped_note.isVisible() and kiosk.staff_outcome.alone_button.isVisible()
