"""Where Vietnamese spelling puts the marks of a word typed on the on-screen keyboard."""

import unicodedata

import pytest

from kiosk_app.shell.spelling import mark_word, place_tone, tone_position

# (the word without its tone, the tone, the word as written): real words of forms and names.
TONED = [
    ("Nguyên", "nga", "Nguyễn"), ("Trương", "huyen", "Trường"), ("hoa", "huyen", "hòa"), ("thuy", "hoi", "thủy"),
    ("quy", "sac", "quý"), ("giưa", "nga", "giữa"), ("ngươi", "huyen", "người"), ("Phương", "", "Phương"),
    ("Đưc", "sac", "Đức"), ("hoang", "huyen", "hoàng"), ("tiêng", "sac", "tiếng"), ("Viêt", "nang", "Việt"),
    ("xa", "nga", "xã"), ("hô", "nang", "hộ"), ("khâu", "hoi", "khẩu"), ("mua", "huyen", "mùa"),
    ("cua", "hoi", "của"), ("qua", "hoi", "quả"), ("quôc", "sac", "quốc"), ("gia", "huyen", "già"),
    ("gin", "huyen", "gìn"), ("ngoai", "huyen", "ngoài"), ("khuyu", "hoi", "khuỷu"), ("toan", "sac", "toán"),
    ("khoe", "hoi", "khỏe"), ("hoc", "nang", "học"), ("sinh", "", "sinh"), ("tuôi", "hoi", "tuổi"),
    ("cưu", "huyen", "cừu"), ("Lê", "", "Lê"), ("Thi", "nang", "Thị"), ("Tran", "huyen", "Tràn"),
    ("Trân", "huyen", "Trần"), ("Huynh", "huyen", "Huỳnh"), ("uy", "sac", "úy"), ("BAN", "sac", "BÁN"),
    ("chưng", "sac", "chứng"), ("thưc", "nang", "thực"), ("khai", "sac", "khái"), ("xac", "sac", "xác"),
    ("nhân", "", "nhân"), ("khuya", "", "khuya"), ("hóa", "huyen", "hòa"), ("hòa", "", "hoa"),
]


@pytest.mark.parametrize("bare, tone, written", TONED)
def test_the_tone_goes_where_spelling_puts_it(bare, tone, written):
    assert place_tone(bare, tone) == written
    assert unicodedata.is_normalized("NFC", place_tone(bare, tone))


# Typed letter by letter, then the mark keys in order, as a resident would.
TYPED = [
    ("Nguyen", ["mu", "nga"], "Nguyễn"), ("Nguyen", ["nga", "mu"], "Nguyễn"), ("Truong", ["moc", "huyen"], "Trường"),
    ("Truong", ["huyen", "moc"], "Trường"), ("hoa", ["huyen"], "hòa"), ("thuy", ["hoi"], "thủy"),
    ("quy", ["sac"], "quý"), ("giua", ["moc", "nga"], "giữa"), ("nguoi", ["moc", "huyen"], "người"),
    ("khuya", [], "khuya"), ("Phuong", ["moc"], "Phương"), ("Duc", ["d", "moc", "sac"], "Đức"),
    ("hoang", ["huyen"], "hoàng"), ("tieng", ["mu", "sac"], "tiếng"), ("Viet", ["nang", "mu"], "Việt"),
    ("xa", ["nga"], "xã"), ("ho", ["mu", "nang"], "hộ"), ("khau", ["mu", "hoi"], "khẩu"), ("luu", ["moc"], "lưu"),
    ("khoan", ["trang"], "khoăn"), ("hoa", ["sac", "sac"], "hoa"), ("hoa", ["sac", "huyen"], "hòa"),
    ("Nguyên", ["mu"], "Nguyen"), ("Đi", ["d"], "Di"),
]


@pytest.mark.parametrize("typed, marks, written", TYPED)
def test_mark_keys_after_a_word(typed, marks, written):
    word = typed
    for mark in marks:
        word = mark_word(word, mark)
    assert word == written


@pytest.mark.parametrize("word, mark", [("", "sac"), ("nh", "sac"), ("bi", "mu"), ("hi", "moc"), ("ho", "trang"),
                                        ("ba", "d"), ("hoa", "unknown"), ("123", "huyen")])
def test_a_mark_that_fits_no_letter_changes_nothing(word, mark):
    assert mark_word(word, mark) is None


def test_tone_position_of_a_word_without_vowels():
    assert tone_position("nh") is None
    assert tone_position("thủy") == 2  # t h [ủ] y
