"""The manifest, its validation and the pure step decisions."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kiosk_app.videos.library import (ManifestError, StepRef, check_library, load_library, step_for_page,
                                      step_index_at)

BUNDLED = Path(__file__).resolve().parents[2] / "videos" / "manifest.toml"


def test_bundled_library_has_the_three_guides_with_their_media():
    library = load_library(BUNDLED)
    assert [g.id for g in library.guides] == ["dang-nhap", "kich-hoat-muc-2", "nop-ho-so"]
    for guide in library.guides:
        assert guide.video.is_file() and guide.subtitles.is_file() and guide.thumbnail.is_file()
        assert guide.title == unicodedata.normalize("NFC", guide.title)
        starts = [s.start for s in guide.steps]
        assert starts == sorted(starts) and starts[0] == 0
    assert check_library(BUNDLED) == []


def test_bundled_guides_cover_the_real_steps():
    library = load_library(BUNDLED)
    titles = {g.id: " | ".join(s.title for s in g.steps) for g in library.guides}
    assert "Chọn tài khoản định danh điện tử" in titles["dang-nhap"]
    for words in ("Công an xã", "Kích hoạt", "OTP", "mật khẩu", "passcode", "câu hỏi bảo mật", "Đăng nhập lại"):
        assert words.lower() in titles["kich-hoat-muc-2"].lower(), words
    filing = [s.title.lower() for s in library.guide("nop-ho-so").steps]
    at = 0
    for words in ("Đăng nhập", "Tìm thủ tục", "Nộp hồ sơ trực tuyến", "cơ quan", "tờ khai", "Đính kèm", "phí",
                  "Nộp hồ sơ", "mã hồ sơ"):  # in this order, each in a later step than the one before
        at = next(i for i in range(at, len(filing)) if words.lower() in filing[i]) + 1


def test_bundled_subtitles_are_vietnamese_srt():
    text = (BUNDLED.parent / "kich-hoat-muc-2.srt").read_text(encoding="utf-8")
    assert text.startswith("1\n00:00:00,")
    assert "Công an xã" in text and unicodedata.is_normalized("NFC", text)


def test_times_accept_seconds_and_minutes(library_dir):
    guide = load_library(library_dir / "manifest.toml").guide("mau")
    assert [s.start for s in guide.steps] == [0.0, 1.5, 3.0]
    assert guide.step_end(0) == 1.5 and guide.step_end(2) is None


def _edit(manifest: Path, *changes: tuple[str, str]) -> None:
    text = manifest.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    manifest.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("change, entry, words", [
    (("start = 1.5", "start = 0"), "guides[0] (id=mau).steps[1]", "must come after the previous step"),
    (("start = 1.5", "start = 4"), "guides[0] (id=mau).steps[2]", "must come after the previous step"),
    (('title = "Màu đỏ"\n', ""), "guides[0] (id=mau).steps[0]", "missing key 'title'"),
    (('title = "Màu đỏ"\n', 'title = " "\n'), "guides[0] (id=mau).steps[0]", "must be non-empty text"),
    (('title = "Video mẫu ba màu"', 'title = ""'), "guides[0] (id=mau)", "must be non-empty text"),
    (('title = "Video mẫu ba màu"', f'title = "{"Rất dài " * 10}"'), "guides[0] (id=mau)", "at most 60"),
    (('title = "Màu đỏ"\n', f'title = "{"Bước " * 20}"\n'), "guides[0] (id=mau).steps[0]", "at most 60"),
    (('description = "Đỏ', f'description = "{"Mô tả " * 50}'), "guides[0] (id=mau)", "at most 200"),
    (('start = "0:03"', 'start = "ba giây"'), "guides[0] (id=mau).steps[2].start", "not a time"),
    (('id = "mau"', 'id = "Màu"'), "guides[0]", "may hold only"),
    (('video = "pattern.mp4"\n', ""), "guides[0] (id=mau)", "missing key 'video'"),
    (("[[guides.steps]]\ntitle = \"Một bước\"", "[guides.x]\ntitle = \"Một bước\""), "guides[1] (id=im-lang)",
     "at least one [[guides.steps]]"),
])
def test_a_bad_guide_is_left_out_and_the_others_stay(library_dir, change, entry, words):
    manifest = library_dir / "manifest.toml"
    _edit(manifest, change)
    library = load_library(manifest)
    assert [g.id for g in library.guides] == (["mau"] if entry.startswith("guides[1]") else ["im-lang"])
    messages = [str(p) for p in library.problems]
    assert messages and all(m.startswith(f"{manifest}: {entry}") for m in messages), messages
    assert any(words in m for m in messages), messages
    assert check_library(manifest)[:len(messages)] == messages


def test_a_second_guide_with_the_same_id_is_left_out(library_dir):
    manifest = library_dir / "manifest.toml"
    _edit(manifest, ('id = "im-lang"', 'id = "mau"'))
    library = load_library(manifest)
    assert [g.title for g in library.guides] == ["Video mẫu ba màu"]
    assert [str(p) for p in library.problems] == [f"{manifest}: guides[1]: id 'mau' is used twice"]


def test_every_problem_is_reported_in_one_run(library_dir):
    manifest = library_dir / "manifest.toml"
    _edit(manifest, ("start = 1.5", "start = 0"), ('title = "Màu đỏ"\n', 'title = ""\n'),
          ('start = "0:03"', 'start = "ba giây"'), ('title = "Video không tiếng"', 'title = ""'),
          ('video = "silent.mp4"', 'video = "khong-co.mp4"'))
    library = load_library(manifest)
    assert library.guides == ()
    problems = check_library(manifest)
    expected = [("guides[0] (id=mau).steps[0]", "non-empty"), ("guides[0] (id=mau).steps[2].start", "not a time"),
                ("guides[0] (id=mau).steps[1]", "must come after"), ("guides[1] (id=im-lang)", "non-empty"),
                ("guides[1] (id=im-lang)", "khong-co.mp4 does not exist"), ("guides[1] (id=im-lang)", "no subtitles")]
    assert len(problems) == len(expected), problems
    for (entry, words), line in zip(expected, problems):
        assert line.startswith(f"{manifest}: {entry}: ") and words in line, line


@pytest.mark.parametrize("change, entry, words", [
    (("version = 1", "version = 7"), "version", "not supported"),
    (("version = 1", "version = ["), "file", "not valid TOML"),
])
def test_an_unusable_manifest_names_the_file_and_entry(library_dir, change, entry, words):
    manifest = library_dir / "manifest.toml"
    _edit(manifest, change)
    with pytest.raises(ManifestError) as caught:
        load_library(manifest)
    message = str(caught.value)
    assert message.startswith(f"{manifest}: {entry}: "), message
    assert words in message
    assert check_library(manifest) == [message]


def test_a_missing_manifest_is_reported(tmp_path):
    problems = check_library(tmp_path / "nowhere.toml")
    assert len(problems) == 1 and "nowhere.toml" in problems[0] and "cannot be read" in problems[0]


def test_check_names_missing_media_and_subtitles(library_dir):
    (library_dir / "pattern.mp4").unlink()
    (library_dir / "pattern.srt").unlink()
    problems = check_library(library_dir / "manifest.toml")
    assert any("id=mau" in p and "does not exist" in p and "pattern.mp4" in p for p in problems)
    assert any("id=mau" in p and "subtitle file" in p for p in problems)
    assert any("id=im-lang" in p and "no subtitles" in p for p in problems)


def test_check_uses_the_probe_for_broken_or_silent_media(library_dir):
    manifest = library_dir / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("pattern.mp4", "corrupt.mp4"), encoding="utf-8")

    def probe(path: Path) -> dict:
        if path.name == "corrupt.mp4":
            return {"error": "cannot decode"}
        return {"error": None, "has_video": True, "has_audio": False, "duration": 4.5}

    problems = check_library(manifest, probe=probe)
    assert any("id=mau" in p and "cannot be played" in p for p in problems)
    assert any("id=im-lang" in p and "has no sound" in p for p in problems)


def test_step_index_follows_the_time(library_dir):
    guide = load_library(library_dir / "manifest.toml").guide("mau")
    assert [step_index_at(guide, t) for t in (0, 1.49, 1.5, 2.9, 3.0, 99)] == [0, 0, 1, 1, 2, 2]


def test_step_for_page_matches_url_or_title(library_dir):
    library = load_library(library_dir / "manifest.toml")
    assert step_for_page(library, "https://www.example.test/xanh-la?x=1", "") == StepRef("mau", 1)
    assert step_for_page(library, "https://other.test/", "Trang XANH DUONG") == StepRef("mau", 2)
    assert step_for_page(library, "https://other.test/", "Không liên quan") is None
    assert step_for_page(library, "", "") is None


def test_step_for_page_on_the_bundled_guides():
    library = load_library(BUNDLED)
    home = step_for_page(library, "https://dichvucong.gov.vn/", "Cổng Dịch vụ công Quốc gia")
    assert home == StepRef("dang-nhap", 1)
    vneid = step_for_page(library, "https://sso.dancuquocgia.gov.vn/oauth2/authorize?client_id=x", "VNeID")
    assert vneid is not None and library.guide(vneid.guide_id).steps[vneid.step_index].title.startswith("Cách 1")
    form = step_for_page(library, "https://dichvucong.gov.vn/p/home/nop-ho-so.html?ma=1", "")
    assert form is not None and library.guide(form.guide_id).steps[form.step_index].title == "Điền tờ khai"


def test_bundled_manifest_matches_its_storyboard():
    """The committed media were built from the committed storyboard (run videos/make_guides.py)."""
    import tomllib

    board = tomllib.loads((BUNDLED.parent / "storyboard.toml").read_text(encoding="utf-8"))
    library = load_library(BUNDLED)
    assert [g["id"] for g in board["guides"]] == [g.id for g in library.guides]
    for planned, built in zip(board["guides"], library.guides):
        assert built.title == planned["title"]
        assert [s.title for s in built.steps] == [s["title"] for s in planned["steps"]]
        assert [s.url_patterns for s in built.steps] == [tuple(s.get("url_patterns", ())) for s in planned["steps"]]
        assert [s.title_patterns for s in built.steps] == [tuple(s.get("title_patterns", ())) for s in planned["steps"]]
        cues = (BUNDLED.parent / f"{built.id}.srt").read_text(encoding="utf-8")
        for step in planned["steps"]:
            first_sentence = step["slides"][0]["say"].split(". ")[0].split()[:4]
            assert " ".join(first_sentence) in cues.replace("\n", " "), first_sentence
