"""Organisation names for people: the register's capitals in title case, and the search key.

Plain functions of text (no Django), used by the model, the ODS import and the data migration
that filled the existing rows (ADR 0017).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Kept in capitals wherever they appear in a name.
ACRONYMS: Final = frozenset(
    {"NHS", "ICB", "ICS", "CCG", "CIC", "UK", "GP", "LLP", "PLC", "CSU", "HIV", "ENT"}
)
#: Lower case unless they start the name (or follow an opening bracket).
SMALL_WORDS: Final = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "upon", "with"}
)
#: Apostrophes as people and registers type them: straight, curly, prime, modifier letter.
APOSTROPHES: Final = "'\u2018\u2019\u02bc\u2032`\u00b4"

_SEPARATORS = re.compile(r"(\s+|[-/(])")
_APOSTROPHE = re.compile("[" + re.escape(APOSTROPHES) + "]")
_ORDINAL = re.compile(r"\d+(ST|ND|RD|TH)\W*", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _title_word(word: str, *, first: bool) -> str:
    """One word of a name in capitals (may carry punctuation, digits and apostrophes)."""
    letters = "".join(ch for ch in word if ch.isalpha())
    if _ORDINAL.fullmatch(word):
        return word.lower()  # 4TH -> 4th
    if not letters or any(ch.isdigit() for ch in word):
        return word  # codes such as RJ1 stay as they are
    if letters.upper() in ACRONYMS:
        return word.upper()
    if not first and letters.lower() in SMALL_WORDS:
        return word.lower()
    parts = _APOSTROPHE.split(word)
    marks = _APOSTROPHE.findall(word)
    out = [parts[0][:1].upper() + parts[0][1:].lower()]
    for mark, part in zip(marks, parts[1:], strict=True):
        # GUY'S -> Guy's, THOMAS' -> Thomas', O'NEILL -> O'Neill
        if part.lower() in ("s", "") or (len(part) == 1 and part.lower() in ("d", "t")):
            out.append(mark + part.lower())
        else:
            out.append(mark + part[:1].upper() + part[1:].lower())
    return "".join(out)


def display_name(register_name: str) -> str:
    """A name as people read it: ``GUY'S AND ST THOMAS' NHS FOUNDATION TRUST`` becomes
    ``Guy's and St Thomas' NHS Foundation Trust``.

    Acronyms (NHS, ICB, CIC, UK ...) stay in capitals, small words (and, of, upon ...) are lower
    case inside the name, hyphenated places read ``Stoke-on-Trent``. A name that already has a
    lower-case letter was written by a person and is returned as it is.
    """
    name = " ".join(register_name.split())
    if any(ch.islower() for ch in name):
        return name
    out: list[str] = []
    first = True
    for piece in _SEPARATORS.split(name):
        if not piece or piece.isspace() or piece in "-/(":
            out.append(" " if piece.isspace() else piece)
            first = first or piece == "("
            continue
        out.append(_title_word(piece, first=first))
        first = False
    return "".join(out)


def search_key(text: str) -> str:
    """Text reduced for matching: case, accents, apostrophes and punctuation ignored, "&" read
    as "and" and the word "St" as "Saint"; words separated by one space.

    ``search_key("Guy\u2019s & St. Thomas'")`` is ``"guys and saint thomas"``, as is the key of the
    register's ``GUY'S AND ST THOMAS'``. A name's key is stored with it (``search_name``), so the
    search is one ``LIKE`` on any database.
    """
    return " ".join(_words(text, saint=True))


def search_key_literal(text: str) -> str:
    """``search_key`` without reading "St" as "Saint" (so that a search for "st" still finds
    "Stockport" and "West")."""
    return " ".join(_words(text, saint=False))


def _words(text: str, *, saint: bool) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _APOSTROPHE.sub("", plain).replace("&", " and ")
    words = _NOT_WORD.sub(" ", plain).replace("_", " ").split()
    if saint:
        words = ["saint" if word == "st" else word for word in words]
    return words
