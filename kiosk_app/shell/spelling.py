"""Where Vietnamese spelling puts a mark on a word: the tone on the right vowel (hòa, thủy, quý,
Nguyễn, người), â ê ô ă ơ ư and đ on the right letter. Pure functions, no Qt."""

from __future__ import annotations

import unicodedata

TONES = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
SHAPES = {"mu": "\u0302", "trang": "\u0306", "moc": "\u031b"}
SHAPE_BASES = {"mu": "aeo", "trang": "a", "moc": "ou"}
VOWELS = "aeiouy"


def _split(char: str) -> tuple[str, str, str]:
    """(base letter, shape mark, tone mark) of one character: "Ễ" → ("E", "\u0302", "\u0303")."""
    parts = unicodedata.normalize("NFD", char)
    marks = parts[1:]
    return (parts[:1], "".join(m for m in marks if m in SHAPES.values()),
            "".join(m for m in marks if m in TONES.values()))


def _join(base: str, shape: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + shape + tone)


def _vowel_cluster(bases: str) -> list[int]:
    """Indexes of the word's vowels that can carry a tone: the last run of vowels, without the u
    of "qu" and the i of "gi" (parts of the consonant: quý, giữa), a lone "gi" keeping its i (gìn)."""
    low = bases.lower()
    end = max((i for i, c in enumerate(low) if c in VOWELS), default=-1)
    if end < 0:
        return []
    start = end
    while start > 0 and low[start - 1] in VOWELS:
        start -= 1
    cluster = list(range(start, end + 1))
    if start == 1 and len(cluster) > 1 and low[:2] in ("qu", "gi"):
        cluster = cluster[1:]
    return cluster


def tone_position(word: str) -> int | None:
    """Index of the letter that takes the tone, by the rules taught in school (old style: hòa,
    thủy): the vowel with a shape (â ê ô ơ ư ă; of "ươ" the ơ); else, before a final consonant,
    the cluster's last vowel (hoàng); else the first of two vowels (mùa, hòa) or the middle of
    three (ngoài, khuỷu). None when the word has no vowel."""
    letters = [_split(c) for c in word]
    cluster = _vowel_cluster("".join(b for b, _s, _t in letters))
    if not cluster:
        return None
    shaped = [i for i in cluster if letters[i][1]]
    if shaped:
        return shaped[-1]
    if cluster[-1] < len(word) - 1 or len(cluster) == 1:
        return cluster[-1]
    return cluster[0] if len(cluster) == 2 else cluster[1]


def word_tone(word: str) -> str:
    """The tone key the word carries ("" for none)."""
    for char in word:
        tone = _split(char)[2]
        if tone:
            return next(k for k, v in TONES.items() if v == tone)
    return ""


def place_tone(word: str, tone: str) -> str:
    """``word`` with ``tone`` (sac, huyen, hoi, nga, nang; "" for none) on the vowel spelling puts
    it on, any tone it had taken off: place_tone("Nguyên", "nga") == "Nguyễn"."""
    letters = [list(_split(c)) for c in word]
    for letter in letters:
        letter[2] = ""
    at = tone_position(word)
    if at is not None and tone:
        letters[at][2] = TONES[tone]
    return "".join(_join(*letter) for letter in letters)


def _shape_position(letters: list[list[str]], mark: str) -> list[int]:
    """Which letters a shape key changes: of "uo" both for ơ ư (người), else the first o/u for
    ơ ư (lưu), the last a/e/o for â ê ô, the last a for ă."""
    cluster = _vowel_cluster("".join(b for b, _s, _t in letters))
    low = [letters[i][0].lower() for i in cluster]
    fits = [i for i, b in zip(cluster, low) if b in SHAPE_BASES[mark]]
    if not fits:
        return []
    if mark == "moc":
        for a, b in zip(cluster, cluster[1:]):
            if letters[a][0].lower() == "u" and letters[b][0].lower() == "o":
                return [a, b]
        return fits[:1]
    return fits[-1:]


def mark_word(word: str, mark: str) -> str | None:
    """``word`` after a mark key: a tone (sac, huyen, hoi, nga, nang; the same tone again takes it
    off), a shape (mu, trang, moc; again takes it off) or "d" (d ↔ đ at the start). The tone
    moves to where the new spelling puts it. None when the mark fits no letter of the word."""
    letters = [list(_split(c)) for c in word]
    if mark == "d":
        flipped = {"d": "đ", "D": "Đ", "đ": "d", "Đ": "D"}.get(word[:1])
        return None if flipped is None else flipped + word[1:]
    tone = word_tone(word)
    if mark in TONES:
        if tone_position(word) is None:
            return None
        return place_tone(word, "" if tone == mark else mark)
    if mark not in SHAPES:
        return None
    at = _shape_position(letters, mark)
    if not at:
        return None
    off = all(letters[i][1] == SHAPES[mark] for i in at)
    for i in at:
        letters[i][1] = "" if off else SHAPES[mark]
    return place_tone("".join(_join(b, s, "") for b, s, _t in letters), tone)
