"""A small generated session log whose figures were computed by hand (see DATASET below)."""

from __future__ import annotations

import json

import pytest


def add_session(db, sid: str, started_at: str, **fields) -> None:
    row = {"id": sid, "kiosk_id": "kiosk-01", "started_at": started_at, "start_kind": "resident",
           "mode": "self", "ended_at": started_at, "end_reason": "finished"}
    row.update(fields)
    db["sessions"].insert(row)


def add_event(db, sid: str | None, ts: str, event: str, **data) -> None:
    db["events"].insert({"session_id": sid, "ts": ts, "event": event, "data": json.dumps(data)})


# Local time is UTC+7. Hand-computed figures for 1-30 November 2026 (local):
#   sessions 7 (s2 s3 s4 s5 s6 s7 s10), practice 1 (s5), filed alone 2 (s2 s10), filed with help 1
#   (s3), not filed 2 (s4 s7), no outcome 1 (s6); self-filing 2/3; completion 3/6;
#   average duration (300+900+120+60+200+400)/6 = 330 s; portal confirmed 4 (s2 s3 s10 + s6's event).
DATASET = [
    ("s1", "2026-10-31T16:59:59.999+00:00", dict(outcome="filed_alone", procedure_code="A", duration_s=600)),
    ("s2", "2026-10-31T17:00:00.000+00:00", dict(outcome="filed_alone", procedure_code="A", duration_s=300,
                                                 submitted=1, satisfaction=5, trips=0)),
    ("s3", "2026-11-02T03:00:00.000+00:00", dict(outcome="filed_helped", procedure_code="A", duration_s=900,
                                                 submitted=1, helped=1, officer_id=1, mode="guided",
                                                 start_kind="staff", satisfaction=4, trips=1)),
    ("s4", "2026-11-02T04:00:00.000+00:00", dict(outcome="not_filed", not_filed_reason="no_level2",
                                                 procedure_code="B", duration_s=120, satisfaction=2,
                                                 satisfaction_reason="waited_long", trips=2)),
    ("s5", "2026-11-03T01:00:00.000+00:00", dict(mode="practice", outcome="practice", duration_s=60)),
    ("s6", "2026-11-03T02:00:00.000+00:00", dict(duration_s=200, end_reason="timeout")),
    ("s7", "2026-11-05T02:00:00.000+00:00", dict(outcome="not_filed", not_filed_reason="missing_documents",
                                                 procedure_code="B", end_reason="interrupted")),
    ("s8", "2026-11-05T03:00:00.000+00:00", dict(start_kind="demo", outcome="filed_alone")),
    ("s9", "2026-11-30T17:00:00.000+00:00", dict(outcome="filed_helped", procedure_code="A", duration_s=50)),
    ("s10", "2026-11-30T16:30:00.000+00:00", dict(outcome="filed_alone", procedure_code="B", duration_s=400,
                                                  submitted=1)),
]


@pytest.fixture
def dataset(store):
    db = store.database
    for sid, ts, fields in DATASET:
        add_session(db, sid, ts, **fields)
    t = "2026-11-02T03:05:00.000+00:00"
    add_event(db, "s6", "2026-11-03T02:10:00.000+00:00", "portal.submitted", pattern=0)
    for _ in range(3):
        add_event(db, "s3", t, "video.opened", guide="vneid", step=0, steps=4)
    add_event(db, "s3", t, "video.finished", guide="vneid", steps=4)
    add_event(db, "s3", t, "video.closed", guide="vneid", step=3, furthest_step=3, finished=True)
    add_event(db, "s4", t, "video.closed", guide="vneid", step=2, furthest_step=2, finished=False)
    add_event(db, "s4", t, "video.closed", guide="vneid", step=1, furthest_step=1, finished=False)
    add_event(db, "s4", t, "video.opened", guide="nop-ho-so", step=0, steps=6)
    add_event(db, "s4", t, "video.closed", guide="nop-ho-so", step=0, furthest_step=0, finished=False)
    add_event(db, "s1", "2026-10-31T16:00:00.000+00:00", "video.opened", guide="vneid")  # October
    add_event(db, "s3", t, "scan.pages", pages=3, preset="color")
    add_event(db, "s3", t, "scan.pages", pages=2, preset="color")
    add_event(db, "s4", t, "scan.document", pages=5, bytes=1000)
    return store


@pytest.fixture
def make_kiosk(qtbot, kiosk_paths):
    """The real kiosk in-process (offscreen) with a shorter satisfaction reset when asked."""
    import dataclasses

    from kiosk_app.app import Kiosk, Options
    from kiosk_app.config import load_config

    built = []

    def make(start_screen="home", reset_s=30.0, feedback=True, practice=None, change=lambda cfg: cfg):
        cfg = load_config()
        cfg = dataclasses.replace(cfg, feedback=dataclasses.replace(cfg.feedback, reset_s=reset_s, enabled=feedback))
        kiosk = Kiosk(change(cfg), kiosk_paths, Options(start_screen=start_screen, practice=practice))
        qtbot.addWidget(kiosk.window)
        kiosk.start()
        built.append(kiosk)
        qtbot.waitUntil(lambda: kiosk.store.available)
        return kiosk

    yield make
    for kiosk in built:
        kiosk.shutdown()
