"""A working day at the counter: the real kiosk on its own Xvfb (xcb, fullscreen), driven by
touches through N mixed sessions; reports memory, threads, files and processes at checkpoints,
and the session log's counts against what was driven.

    .venv/bin/python bench/soak_day.py --sessions 200 [--checkpoints 10,50,200] [--no-download]
    .venv/bin/python bench/soak_day.py --sessions 8 --checkpoints 1,2,3,4,5,6,7,8 --plan scan,portal,end4

The kiosk runs with --log-layout: it logs `ui.layout`, where every touchable thing is, and the
driver touches the centre of the thing it names (never a fixed coordinate). It waits on the
kiosk's JSON log, never on a fixed sleep. tests/soak/test_soak_short.py runs a short day with
the same driver.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = "2468"
WEB_SETTLE_S = 0.8  # a page's layout unchanged for this long (several reports) is the one to touch
SETTLE_S = 0.5  # a screen whose layout report has not changed for this long has stopped moving
SOAK_CONFIG = """\
[session]
idle_timeout_s = 15
countdown_s = 5

[feedback]
reset_s = 30

[scanner]
device = "test:0"
"""


class KioskDied(AssertionError):
    pass


# ---------------------------------------------------------------- the display and the kiosk

def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X server at the counter's resolution."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    return proc, f":{number}"


def set_admin_pin(data_dir: Path, pin: str = PIN) -> None:
    subprocess.run([sys.executable, "-m", "kiosk_app.admin.cli", "set-admin-pin", "--pin-stdin",
                    "--data-dir", str(data_dir)], input=pin + "\n", text=True, check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)


def start_kiosk(data_dir: Path, log_file: Path, config: Path, display: str, stderr_file: Path) -> subprocess.Popen:
    """`python -m kiosk_app` as tests/conftest.py's start_kiosk starts it, fullscreen on `display`."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), DISPLAY=display, QT_QPA_PLATFORM="xcb",
               SANE_CONFIG_DIR=str(ROOT / "config" / "sane"))
    return subprocess.Popen([sys.executable, "-m", "kiosk_app", "--data-dir", str(data_dir), "--log-json", str(log_file),
                             "--config", str(config), "--practice", "on", "--log-layout"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(stderr_file, "wb"))


class EventLog:
    """The kiosk's JSON log, read as it grows (only the new lines each time)."""

    def __init__(self, path: Path, proc: subprocess.Popen, stderr_file: Path):
        self.path, self.proc, self.stderr_file = path, proc, stderr_file
        self.events: list[dict] = []
        self._offset = 0
        self._partial = b""
        self.layout: dict = {"windows": {}, "items": {}}
        self.layout_at = -1  # index of the last ui.layout event
        self.layout_seen = 0.0  # when the driver first read it (monotonic)
        self.screen = ""

    def refresh(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            if not line.strip():
                continue
            event = json.loads(line)
            self.events.append(event)
            if event["event"] == "ui.layout":
                self.layout = event
                self.layout_at = len(self.events) - 1
                self.layout_seen = time.monotonic()
            elif event["event"] == "ui.screen":
                self.screen = event["screen"]

    def alive(self) -> None:
        if self.proc.poll() is not None:
            raise KioskDied(f"the kiosk exited ({self.proc.returncode}): "
                            f"{self.stderr_file.read_text(errors='replace')[-3000:]}")

    def wait(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while True:
            self.refresh()
            value = condition()
            if value:
                return value
            self.alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; screen={self.screen}, "
                                     f"layout={sorted(self.layout.get('items', {}))[:40]}")
            time.sleep(0.05)

    def find(self, name: str, since: int, **match) -> dict | None:
        for event in self.events[since:]:
            if event["event"] == name and all(event.get(k) == v for k, v in match.items()):
                return event
        return None

    def wait_event(self, name: str, since: int, timeout: float = 60.0, **match) -> dict:
        return self.wait(lambda: self.find(name, since, **match), timeout, f"event {name} {match}")

    def errors(self) -> list[dict]:
        return [e for e in self.events if e.get("level") in ("error", "critical")]


# ---------------------------------------------------------------- the resident's hand

class Hand:
    """Touches what the kiosk's layout report names; waits on its log after each touch."""

    def __init__(self, log: EventLog, display: str):
        self.log, self.display = log, display
        self.mark = 0  # log index at the last touch: what comes after is its consequence
        self.touched = 0.0  # when (monotonic)

    def xdo(self, *args) -> None:
        subprocess.run(["xdotool", *map(str, args)], env=dict(os.environ, DISPLAY=self.display), check=True)

    def touch_at(self, x: int, y: int) -> None:
        self.log.refresh()
        self.mark = len(self.log.events)
        self.touched = time.monotonic()
        self.xdo("mousemove", x, y, "click", "1")

    def settled(self, after_touch: float = SETTLE_S, timeout: float = 30.0) -> None:
        """Waits until the screen has stopped moving: `after_touch` seconds since the last touch
        with no new layout report for that long (a screen still laying itself out, a keyboard
        coming up or going away, would otherwise be touched where it was a moment ago)."""
        def still():
            now = time.monotonic()
            return now - self.touched >= after_touch and now - self.log.layout_seen >= after_touch
        self.log.wait(still, timeout, "the screen to stop moving")

    def where(self, name: str, fresh: bool = True, timeout: float = 30.0, settle: float = 0.0) -> list[int]:
        """The rect of `name` in a layout report; `fresh`: one logged after the last touch;
        `settle`: one that stayed the latest for that long (a page still laying itself out)."""
        def found():
            if fresh and self.log.layout_at < self.mark:
                return None
            if settle and time.monotonic() - self.log.layout_seen < settle:
                return None
            return self.log.layout["items"].get(name)
        return self.log.wait(found, timeout, f"'{name}' on screen")

    def tap(self, name: str, fresh: bool = True, timeout: float = 30.0, dx: float = 0.5) -> None:
        x, y, w, h = self.where(name, fresh, timeout)
        self.touch_at(x + int(w * dx), y + h // 2)

    def tap_first(self, prefix: str, fresh: bool = True, pick: int = 0, skip: str | None = None) -> str:
        """Touches one of the things whose names start with `prefix` (not those holding `skip`)."""
        def found():
            if fresh and self.log.layout_at < self.mark:
                return None
            names = sorted(k for k in self.log.layout["items"]
                           if k.startswith(prefix) and not (skip and skip in k))
            return names or None
        names = self.log.wait(found, 30.0, f"something named {prefix}*")
        name = names[pick % len(names)]
        self.tap(name, fresh=False)
        return name

    def event(self, name: str, timeout: float = 60.0, **match) -> dict:
        return self.log.wait_event(name, self.mark, timeout, **match)

    def screen(self, name: str, timeout: float = 60.0) -> None:
        self.event("ui.screen", timeout, screen=name)

    def type_into(self, selector: str, text: str, attempts: int = 3) -> None:
        """Touches a page's field and types on the on-screen keyboard once it is up and still;
        touches the field again (as a resident would) when the keyboard went away meanwhile."""
        for _ in range(attempts):
            if "key-hide" in self.log.layout["items"]:
                # Touching another field with the keyboard up hides and shows it again, and now
                # and then it stays hidden (the page's focus-out after the focus-in): put it away first.
                self.tap("key-hide", fresh=False)
                self.settled()
            self.web_tap(selector)
            self.settled()
            if "key-1" in self.log.layout["items"]:
                self.type_keys(text)
                return
        raise AssertionError(f"the keyboard did not stay up for {selector}")

    def type_keys(self, text: str) -> None:
        """Types on the kiosk's on-screen keyboard, key by key (its keys are named key-<letter>)."""
        for ch in text:
            self.tap("key-space" if ch == " " else f"key-{ch}", fresh=False)

    def web_press(self, selector: str, event: str, attempts: int = 3, **match) -> dict:
        """Touches a page's link or button until the kiosk logs `event` (a page loaded, a form
        sent, a download saved); again when nothing came of the touch (a page that moved under
        the finger while the keyboard went away), as a resident would."""
        for _ in range(attempts):
            if "key-hide" in self.log.layout["items"]:
                self.tap("key-hide", fresh=False)
                self.settled()
            self.web_tap(selector)
            try:
                return self.event(event, timeout=8.0, **match)
            except AssertionError:
                self.settled()
        raise AssertionError(f"touching {selector} never gave {event}")

    def web_tap(self, selector: str, timeout: float = 30.0) -> None:
        """Touches a page element, rolling the page (mouse wheel over it) until it is in sight."""
        key = f"web:{selector}"
        for _ in range(30):
            # Not `fresh`: typing moves nothing; targets are told apart by their page's own names.
            rect = self.where(key, fresh=False, timeout=timeout, settle=WEB_SETTLE_S)
            view = self.log.layout["items"].get("web:view")
            cx, cy = rect[0] + min(rect[2] // 2, 40), rect[1] + rect[3] // 2
            if view is None or view[1] + 10 <= cy <= view[1] + view[3] - 10:
                self.touch_at(cx, cy)
                return
            self.log.refresh()
            self.mark = len(self.log.events)
            self.xdo("mousemove", view[0] + view[2] // 2, view[1] + view[3] // 2, "click", "5" if cy > view[1] else "4")
        raise AssertionError(f"could not bring {selector} into sight")


# ---------------------------------------------------------------- what residents and officers do

@dataclass
class Driven:
    sessions: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    guide_plays: int = 0
    plays_with_progress: int = 0
    scans: int = 0
    scanned_pages: int = 0
    submissions: int = 0
    downloads: int = 0
    officer_logins: int = 0


class Day:
    """Sessions as residents and officers go through them; every step waits on the kiosk's log."""

    def __init__(self, hand: Hand, driven: Driven, play_s: float = 3.0, feeder: bool = True, download: bool = True):
        self.hand, self.driven = hand, driven
        self.play_s, self.feeder, self.download = play_s, feeder, download
        self.n = 0

    # the pieces ------------------------------------------------------------------------------
    def begin(self) -> None:
        h = self.hand
        h.log.wait(lambda: h.log.screen == "home", 60, "the home screen")
        window = h.log.wait(lambda: h.log.layout["windows"].get("KioskWindow"), 30, "the kiosk window")
        x, y, w, hh = window
        h.touch_at(x + w // 2, y + hh // 2)
        started = h.event("session.started")
        self.driven.sessions.append(started["session"])
        h.screen("menu")

    def guide(self) -> None:
        h = self.hand
        h.tap("menu_guides")
        h.screen("guides")
        h.tap_first("guide-", pick=self.driven.guide_plays, skip="-step")  # the card, not a step button
        h.event("video.opened")
        h.event("video.step", via="open")
        watched = self._watch(self.play_s)
        h.tap("videoBack", fresh=False)
        closed = h.event("video.closed")
        self.driven.guide_plays += 1
        if closed.get("watched_fraction", 0) > 0 or watched:
            self.driven.plays_with_progress += 1
        h.screen("guides")
        h.tap("guidesBack")
        h.screen("menu")

    def _watch(self, seconds: float) -> bool:
        """The guide plays for `seconds` while the kiosk stays alive; True if it moved on a step."""
        h = self.hand
        since = len(h.log.events)
        end = time.monotonic() + seconds
        h.log.wait(lambda: time.monotonic() >= end, seconds + 5, "the guide to play")
        return h.log.find("video.step", since, via="play") is not None

    def scan(self) -> None:
        h = self.hand
        h.tap("menu_scan")
        h.screen("scan")
        # The guided flow: which procedure (asked first when the session has none) → what paper →
        # where it goes → scan → check the pages → name → the document.
        h.settled()
        if "procedureNone" in h.log.layout["items"]:
            h.tap("procedureNone", fresh=False)
            h.settled()
        h.tap("preset_text", fresh=False)
        h.settled()
        h.tap("feederButton" if self.feeder else "scanButton", fresh=False)
        done = h.event("scan.pages", timeout=180)
        assert not self.feeder or done["pages"] == 10, done
        h.settled()
        h.tap("toName", fresh=False, timeout=60)
        h.settled()
        h.tap("docName2", fresh=False)
        saved = h.event("scan.document", timeout=120)
        self.driven.scans += 1
        self.driven.scanned_pages += saved["pages"]
        h.tap("scanBack")
        h.screen("menu")

    def portal(self) -> None:
        """Practice portal: log in, fill the form on the on-screen keyboard, attach the scanned
        document, submit, download the receipt and look at it."""
        h = self.hand
        h.tap("menu_portal")
        h.screen("portal")
        h.event("portal.page", timeout=60)
        h.web_press("a[href=/thu-tuc/khai-sinh]", "portal.page")
        h.web_press("#file-online", "portal.page")
        h.type_into("#so_dinh_danh", "001234567890")
        h.type_into("#mat_khau", "luyentap")
        h.web_press("#login-button", "portal.page")
        h.type_into("#otp", "123456")
        h.web_press("#otp-button", "portal.page")
        # The agency: its label gives the drop-down list the focus without opening Chromium's
        # pop-up, and the list takes an arrow key (the on-screen keyboard has none).
        h.web_tap("label[for=co_quan]")
        h.xdo("key", "Down")
        h.type_into("#ho_ten", "nguyen van an")
        h.type_into("#ngay_sinh", "04031952")
        h.type_into("#dia_chi", "thon dong")
        h.tap("key-hide", fresh=False)
        h.web_tap("#tep")
        h.tap_first("item:pickerList:")
        h.tap("pickerChoose")
        h.web_press("#check-button", "portal.page")
        h.web_press("#submit-button", "portal.submitted")
        self.driven.submissions += 1
        if self.download:
            h.web_press("#receipt", "portal.download", decision="saved")
            self.driven.downloads += 1
            h.tap("portalNoticeView")
            h.tap("portalFileViewerClose")
        h.tap("portalMenu", fresh=False)
        h.screen("menu")

    def end_by_resident(self, rating: int = 5) -> None:
        h = self.hand
        h.tap("menu_end")
        h.tap("endConfirmYes")
        practice = h.event("session.ended", timeout=10) if self._practice() else None
        if practice is None:
            h.screen("end_questions")
            h.tap("endSubmitted_no")
            h.tap("endWhy_gave_up")
            h.event("session.ended", reason="finished")
        self.driven.reasons["finished"] += 1
        self.rate(rating)

    def _practice(self) -> bool:
        return self.hand.log.find("portal.page", self.session_start) is not None

    def rate(self, rating: int | None) -> None:
        h = self.hand
        h.screen("satisfaction")
        if rating is None:
            h.tap("satDone")
        else:
            h.tap(f"satRate_{rating}")
            h.tap("satTrips_1")
            if rating <= 2:
                h.tap("satWhy_waited_long")
            h.tap("satDone")
        h.screen("home")

    def officer(self, outcome: str = "not_filed") -> None:
        """Staff entry: five touches in the top-left corner, the PIN on the pad, the outcome."""
        h = self.hand
        x, y, _w, _h = h.log.layout["windows"]["KioskWindow"]
        for _ in range(5):
            h.touch_at(x + 20, y + 20)
        h.screen("staff_pin", timeout=30)
        for digit in PIN:
            h.tap(f"pin{digit}", fresh=False)
        h.tap("pinOk", fresh=False)
        h.screen("staff_menu")
        self.driven.officer_logins += 1
        h.tap("staffOutcome")
        h.screen("staff_outcome")
        h.tap(f"outcome_{outcome}")
        if outcome == "not_filed":
            h.tap("outcomeWhy_missing_documents")
        h.event("session.ended", reason="staff")
        self.driven.reasons["staff"] += 1
        self.rate(None)

    def idle_out(self) -> None:
        h = self.hand
        h.event("ui.overlay", overlay="idle", timeout=120)
        h.event("session.ended", reason="timeout", timeout=120)
        self.driven.reasons["timeout"] += 1
        h.screen("home")

    # a session -------------------------------------------------------------------------------
    PLANS = (
        ("guide", "end5"),
        ("scan", "guide", "end3"),
        ("scan", "portal", "end4"),
        ("guide", "officer"),
        ("guide", "idle"),
        ("guide", "guide", "end1"),
        ("scan", "officer"),
        ("guide", "end5"),
        ("scan", "portal", "officer"),
        ("idle",),
    )

    def session(self, plan: tuple[str, ...] | None = None) -> tuple[str, ...]:
        plan = plan or self.PLANS[self.n % len(self.PLANS)]
        self.n += 1
        self.begin()
        self.session_start = self.hand.mark
        for step in plan:
            if step == "guide":
                self.guide()
            elif step == "scan":
                self.scan()
            elif step == "portal":
                self.portal()
            elif step == "officer":
                self.officer("not_filed" if self.n % 2 else "filed_alone")
            elif step == "idle":
                self.idle_out()
            elif step.startswith("end"):
                self.end_by_resident(int(step[3:]))
        return plan


# ---------------------------------------------------------------- what the machine says

def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def process_name(comm: str, argv: list[str]) -> str:
    """What a process of the kiosk is: Chromium's by its --type, Python's by what it runs."""
    kind = next((a.split("=", 1)[1] for a in argv if a.startswith("--type=")), "")
    if kind:
        return f"{comm[:12]}:{kind}"
    line = " ".join(argv)
    if "resource_tracker" in line:
        return "python:resource-tracker"
    if "multiprocessing" in line:
        return "python:scan-process"
    if "kiosk_app" in line:
        return "kiosk"
    return comm


def process_figures(pid: int) -> dict:
    """RSS, threads and open files of one process, from /proc."""
    status = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            status[key] = value.strip()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return {}
    name = process_name(status.get("Name", "?"), [a.decode(errors="replace") for a in cmd])
    return {"pid": pid, "name": name, "rss_mb": int(status.get("VmRSS", "0 kB").split()[0]) / 1024,
            "threads": int(status.get("Threads", "0")), "fds": fds}


def machine_figures(kiosk_pid: int) -> dict:
    procs = [f for f in (process_figures(p) for p in descendants(kiosk_pid)) if f]
    return {"processes": procs, "count": len(procs),
            "rss_mb": round(sum(f["rss_mb"] for f in procs), 1),
            "kiosk_rss_mb": round(next((f["rss_mb"] for f in procs if f["pid"] == kiosk_pid), 0.0), 1),
            "threads": sum(f["threads"] for f in procs), "fds": sum(f["fds"] for f in procs)}


def logged_sessions(db_file: Path) -> dict:
    """The session log's own account, read-only."""
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        reasons = dict(conn.execute("SELECT coalesce(end_reason, 'open'), count(*) FROM sessions GROUP BY 1"))
        ids = {row[0] for row in conn.execute("SELECT id FROM sessions")}
    finally:
        conn.close()
    return {"reasons": reasons, "ids": ids}


@dataclass
class Checkpoint:
    sessions: int
    elapsed_s: float
    machine: dict
    logged: dict
    driven: dict
    missing: list[str]


def checkpoint(n: int, started: float, pid: int, db_file: Path, driven: Driven) -> Checkpoint:
    logged = logged_sessions(db_file)
    missing = [s for s in driven.sessions if s not in logged["ids"]]
    return Checkpoint(n, round(time.monotonic() - started, 1), machine_figures(pid),
                      {"reasons": logged["reasons"], "count": len(logged["ids"])},
                      {"reasons": dict(driven.reasons), "count": len(driven.sessions), "guide_plays": driven.guide_plays,
                       "plays_with_progress": driven.plays_with_progress, "scans": driven.scans,
                       "scanned_pages": driven.scanned_pages, "submissions": driven.submissions,
                       "downloads": driven.downloads, "officer_logins": driven.officer_logins},
                      missing)


def print_checkpoint(cp: Checkpoint, out=sys.stdout) -> None:
    m = cp.machine
    print(f"\n== after {cp.sessions} sessions ({cp.elapsed_s:.0f} s)", file=out)
    print(f"{'process':<22}{'pid':>8}{'RSS MB':>10}{'threads':>9}{'fds':>6}", file=out)
    for p in sorted(m["processes"], key=lambda p: -p["rss_mb"]):
        print(f"{p['name']:<22}{p['pid']:>8}{p['rss_mb']:>10.1f}{p['threads']:>9}{p['fds']:>6}", file=out)
    print(f"{'all (' + str(m['count']) + ' processes)':<30}{m['rss_mb']:>10.1f}{m['threads']:>9}{m['fds']:>6}", file=out)
    print(f"driven: {cp.driven}", file=out)
    print(f"logged: {cp.logged}; driven sessions missing from the log: {len(cp.missing)}", file=out)
    out.flush()


def summary_table(cps: list[Checkpoint]) -> str:
    base = cps[0].machine
    rows = ["| sessions | time | kiosk RSS | ×first | all RSS | ×first | threads | fds | processes | "
            "sessions logged (finished/staff/timeout) | driven | missing |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for cp in cps:
        m, r, d = cp.machine, cp.logged["reasons"], cp.driven["reasons"]
        rows.append(f"| {cp.sessions} | {cp.elapsed_s / 60:.1f} min | {m['kiosk_rss_mb']:.0f} MB | "
                    f"{m['kiosk_rss_mb'] / base['kiosk_rss_mb']:.2f} | {m['rss_mb']:.0f} MB | "
                    f"{m['rss_mb'] / base['rss_mb']:.2f} | {m['threads']} | {m['fds']} | {m['count']} | "
                    f"{cp.logged['count']} ({r.get('finished', 0)}/{r.get('staff', 0)}/{r.get('timeout', 0)}) | "
                    f"{cp.driven['count']} ({d.get('finished', 0)}/{d.get('staff', 0)}/{d.get('timeout', 0)}) | "
                    f"{len(cp.missing)} |")
    return "\n".join(rows)


# ---------------------------------------------------------------- the day

@dataclass
class SoakResult:
    checkpoints: list[Checkpoint]
    errors: list[dict]
    baseline: dict  # the machine right after app.ready, before any session
    exit_code: int | None


def run_day(sessions: int, checkpoints: list[int], work: Path, play_s: float = 3.0, feeder: bool = True,
            download: bool = True, plans=None, display: str | None = None, out=sys.stdout) -> SoakResult:
    """Starts a kiosk (and an Xvfb unless `display` is given), drives `sessions` sessions and
    stops it; raises on a crash or a step that never happens."""
    work.mkdir(parents=True, exist_ok=True)
    data_dir, log_file, stderr_file = work / "data", work / "events.jsonl", work / "kiosk-stderr.txt"
    config = work / "kiosk.toml"
    config.write_text(SOAK_CONFIG, encoding="utf-8")
    set_admin_pin(data_dir)
    xvfb = None
    if display is None:
        xvfb, display = start_xvfb()
    proc = start_kiosk(data_dir, log_file, config, display, stderr_file)
    log = EventLog(log_file, proc, stderr_file)
    result = SoakResult([], [], {}, None)
    try:
        log.wait_event("app.recovered", 0, 120)
        log.wait(lambda: log.layout["windows"].get("KioskWindow"), 60, "the first layout report")
        result.baseline = machine_figures(proc.pid)
        day = Day(Hand(log, display), Driven(), play_s, feeder, download)
        started = time.monotonic()
        for n in range(1, sessions + 1):
            day.session(plans[(n - 1) % len(plans)] if plans else None)
            if n in checkpoints or n == sessions:
                log.wait(lambda: log.screen == "home", 60, "the home screen")
                cp = checkpoint(n, started, proc.pid, data_dir / "kiosk.db", day.driven)
                result.checkpoints.append(cp)
                print_checkpoint(cp, out)
                with open(work / "checkpoints.jsonl", "a", encoding="utf-8") as f:
                    f.write(json.dumps(dataclasses.asdict(cp)) + "\n")
        log.refresh()
        result.errors = log.errors()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        result.exit_code = proc.returncode
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=200)
    p.add_argument("--checkpoints", default="10,50,200", help="report after these many sessions")
    p.add_argument("--play-s", type=float, default=3.0, help="seconds each guide plays")
    p.add_argument("--no-download", action="store_true", help="skip the receipt download")
    p.add_argument("--work-dir", type=Path, help="keep the data, log and screenshots here")
    p.add_argument("--plan", help="every session the same steps, e.g. scan,portal,end4 (default: the ten plans in turn)")
    args = p.parse_args()
    # Stopped with SIGTERM (or SIGINT in the background): the kiosk and its Xvfb stop too.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(130))
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="soak-"))
    checkpoints = [int(c) for c in args.checkpoints.split(",") if c]
    print(f"work dir: {work}", flush=True)
    plans = [tuple(args.plan.split(","))] if args.plan else None
    result = run_day(args.sessions, checkpoints, work, args.play_s, download=not args.no_download, plans=plans)
    print(f"\nbaseline after start-up: kiosk {result.baseline['kiosk_rss_mb']} MB, all {result.baseline['rss_mb']} MB, "
          f"{result.baseline['threads']} threads, {result.baseline['fds']} fds, {result.baseline['count']} processes")
    print(summary_table(result.checkpoints))
    first, last = result.checkpoints[0], result.checkpoints[-1]
    ratio = last.machine["rss_mb"] / first.machine["rss_mb"]
    ok = not last.missing and result.exit_code == 0 and not result.errors
    print(f"\nRSS after {last.sessions} / after {first.sessions}: {ratio:.2f} (goal ≤ 1.10); "
          f"errors logged: {len(result.errors)}; kiosk exit code {result.exit_code}")
    for e in result.errors[:20]:
        print(json.dumps(e, ensure_ascii=False)[:500])
    return 0 if ok and ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
