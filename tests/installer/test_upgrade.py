"""--upgrade: the new version is tried on a copy of the data, switched to, and rolled back with
the database as it was when it does not reach app.ready. The kiosks here start for real."""

from __future__ import annotations

import json
import os
import sqlite3

from kiosk_app.storage.migrations import SCHEMA_VERSION
from tests.installer.conftest import recorded


def _current(root) -> str:
    return os.readlink(root / "opt/kiosk/current")


def _schema_version(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _sessions(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        conn.close()


def _seed_database(root, schema_version: int | None = None) -> None:
    """A database holding one session, as a running kiosk (of an older schema) leaves it."""
    from kiosk_app.storage.database import open_database
    from kiosk_app.storage.migrations import MIGRATIONS

    data = root / "var/lib/kiosk/data"
    opened = open_database(data / "kiosk.db", data / "backups", MIGRATIONS[:schema_version])
    opened.db["sessions"].insert({"id": "s1", "kiosk_id": "k", "started_at": "2026-01-01T00:00:00+00:00",
                                  "start_kind": "resident", "mode": "self"})
    opened.db.conn.close()


def test_an_upgrade_switches_versions_and_keeps_config_and_data(install, make_bundle):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    _seed_database(root, schema_version=1)  # the new version's migrations have work to do
    config = (root / "etc/kiosk/kiosk.toml").read_text()
    code, out, root = install("--upgrade", "--bundle", str(make_bundle("2.0.0")))
    assert code == 0, out
    assert "the new version reached app.ready" in out
    assert _current(root).startswith("releases/2.0.0-bundle-")
    assert os.readlink(root / "opt/kiosk/previous") == "releases/1.0.0-bundle"
    assert (root / "etc/kiosk/kiosk.toml").read_text() == config
    db = root / "var/lib/kiosk/data/kiosk.db"
    assert _sessions(db) == 1 and _schema_version(db) == SCHEMA_VERSION  # migrated, data kept
    saved = next((root / "var/lib/kiosk/data/backups").glob("kiosk-before-2.0.0-bundle-*.db"))
    assert _schema_version(saved) == 1  # what a rollback would put back
    manifest = json.loads((root / "etc/kiosk/install.json").read_text())
    assert manifest["version"].startswith("2.0.0-bundle-") and manifest["previous_release"].endswith("1.0.0-bundle")
    assert "systemctl stop kiosk.service" in recorded(root) and "systemctl start kiosk.service" in recorded(root)


def test_a_version_that_does_not_start_is_never_switched_to(install, make_bundle):
    assert install("--bundle", str(make_bundle("1.0.0")))[0] == 0
    code, out, root = install("--upgrade", "--bundle", str(make_bundle("2.0.0", works=False)))
    assert code == 1
    assert "did not start on a copy of the data" in out and "this version is broken" in out
    assert "keeps running the version it had" in out
    assert _current(root) == "releases/1.0.0-bundle"
    assert [p.name for p in (root / "opt/kiosk/releases").iterdir()] == ["1.0.0-bundle"]
    assert "systemctl stop kiosk.service" not in recorded(root)


def test_a_version_that_fails_after_the_switch_is_rolled_back_with_its_database(ki, install, make_bundle,
                                                                                monkeypatch):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    _seed_database(root)
    db = root / "var/lib/kiosk/data/kiosk.db"

    def migrates_then_hangs(self, started):
        db.write_bytes(b"half-migrated by the new version")
        return False, "no app.ready in the journal"

    monkeypatch.setattr(ki.Installer, "live_ready", migrates_then_hangs)
    code, out, root = install("--upgrade", "--bundle", str(make_bundle("2.0.0")))
    assert code == 1
    assert "rolling back" in out and "rolled back" in out
    assert _current(root) == "releases/1.0.0-bundle"
    assert db.read_bytes().startswith(b"SQLite format 3") and _sessions(db) == 1
    assert recorded(root)[-1] == "systemctl start kiosk.service"


def test_upgrade_needs_an_installation(install, make_bundle):
    code, out, root = install("--upgrade", "--bundle", str(make_bundle("2.0.0")))
    assert code == 2 and "no complete installation to upgrade" in out


def test_an_upgrade_that_cannot_install_its_program_leaves_the_old_one(ki, install, make_bundle, monkeypatch):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    real_copy = ki.Installer._copy_tree

    def disk_full_half_way(self, src, dest):
        real_copy(self, src / "kiosk-admin", dest / "kiosk-admin")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ki.Installer, "_copy_tree", disk_full_half_way)
    code, out, root = install("--upgrade", "--bundle", str(make_bundle("2.0.0")))
    assert code == 1
    assert "STOPPED at step 2 (Installing the new version beside the old one)" in out
    assert "The kiosk keeps running the version it had" in out
    assert [p.name for p in (root / "opt/kiosk/releases").iterdir()] == ["1.0.0-bundle"]
    assert _current(root) == "releases/1.0.0-bundle"
    assert json.loads((root / "etc/kiosk/install.json").read_text())["complete"] is True


def test_another_version_is_only_installed_through_upgrade_and_a_repair_keeps_the_upgraded_one(install,
                                                                                             make_bundle):
    code, out, root = install("--bundle", str(make_bundle("1.0.0")))
    assert code == 0, out
    code, out, _ = install("--bundle", str(make_bundle("2.0.0")))
    assert code == 2 and "a kiosk is already installed (1.0.0-bundle)" in out and "--upgrade" in out
    assert install("--upgrade", "--bundle", str(make_bundle("2.0.0")))[0] == 0
    upgraded = _current(root)
    (root / "etc/pam.d/kiosk").unlink()  # something to repair
    code, out, _ = install("--bundle", str(make_bundle("2.0.0")))
    assert code == 0, out
    assert "is already installed" in out and (root / "etc/pam.d/kiosk").exists()
    assert _current(root) == upgraded
