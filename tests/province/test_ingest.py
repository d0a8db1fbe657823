"""The batch check as a pure function: the whole-batch fast check agrees with the per-record one."""

from datetime import datetime, timezone

import orjson
import pytest

from kiosk_app.province import ingest
from kiosk_app.storage.sync_log import SYNC_FIELDS


def record(sid, **fields):
    rec = {c: None for c in SYNC_FIELDS}
    rec.update(id=sid, kiosk_id="k-a", started_at="2026-11-02T10:00:00.000+07:00", ended_at="2026-11-02T10:05:00",
               duration_s=300.5, start_kind="resident", mode="self", helped=0, submitted=1, portal_confirmed=True,
               version=2, **fields)
    return rec


def body(sessions):
    return orjson.dumps({"kiosk_id": "k-a", "batch_id": "b", "sent_at": "2026-11-30T10:00:00Z", "sessions": sessions})


def test_a_good_batch_gives_the_same_keys_and_rows_both_ways_with_starts_in_utc():
    sessions = [record(f"s{i}", satisfaction=1 + i % 5, trips=None if i % 2 else i) for i in range(20)]
    keys, rows = ingest._checked_fast(sessions, "k-a")
    assert keys == [ingest._record(r, i, "k-a") for i, r in enumerate(sessions)]
    assert rows == [ingest._row(r, key, "k-a") for r, key in zip(sessions, keys)]
    assert keys[0] == ("s0", datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc), 2)
    # as binary COPY takes them: times with their zone (UTC when the kiosk wrote none), numbers as floats, flags
    assert rows[0][:5] == ("s0", "k-a", keys[0][1], datetime(2026, 11, 2, 10, 5, tzinfo=timezone.utc), 300.5)
    assert rows[0][-2:] == (True, 2) and rows[1][14] is None and rows[2][14] == 2
    assert ingest.months_of(ingest.parse_batch(body(sessions), "k-a")) == {datetime(2026, 11, 1, tzinfo=timezone.utc)}


@pytest.mark.parametrize("field, value, status", [
    ("resident_name", "Nguyễn Văn A", 422), ("kiosk_id", "k-b", 403), ("started_at", "yesterday", 422),
    ("ended_at", "2026-W45-1T08:00:00", 422), ("ended_at", "2026-11-02X08:00:00", 422),
    ("started_at", "9999-12-31T23:00:00+00:00", 422), ("started_at", None, 422), ("ended_at", 5, 422),
    ("satisfaction", "5", 422), ("satisfaction", 40000, 422), ("helped", True, 422), ("portal_confirmed", 2, 422),
    ("duration_s", -1, 422), ("version", -1, 422), ("version", 1.5, 422), ("mode", "x" * 201, 422), ("id", "", 422),
])
def test_a_bad_value_is_left_to_the_per_record_check_which_names_it(field, value, status):
    sessions = [record("s1"), record("s2")]
    sessions[1][field] = value
    assert ingest._checked_fast(sessions, "k-a") is None
    with pytest.raises(ingest.Refused) as refused:
        ingest.parse_batch(body(sessions), "k-a")
    assert refused.value.status == status and "sessions[1]" in refused.value.detail


def test_records_with_different_fields_are_checked_one_by_one():
    sessions = [record("s1"), record("s2")]
    del sessions[1]["version"]  # a record without a version is version 0
    assert ingest._checked_fast(sessions, "k-a") is None
    assert [k[2] for k in ingest.parse_batch(body(sessions), "k-a").keys] == [2, 0]
