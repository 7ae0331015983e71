"""Text folding for search: case, Latin accents and Thai tone marks do not matter."""

import unicodedata

# Thai tone marks and the thanthakhat are often typed wrongly or left out in searches.
_THAI_IGNORABLE = {chr(c) for c in range(0x0E48, 0x0E4D)}


def fold(text: str | None) -> str:
    """Lower-case `text`, drop Latin diacritics and Thai tone marks, squeeze spaces."""
    if not text:
        return ""
    # Normalise, fold case, normalise again: casefold() can leave composed or compatibility forms.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = []
    for ch in decomposed:
        if ch in _THAI_IGNORABLE:
            continue
        if unicodedata.category(ch) == "Mn" and "\u0300" <= ch <= "\u036f":
            continue  # combining Latin accents only; Thai vowels are letters that matter
        kept.append(ch)
    return " ".join("".join(kept).split())


_KEPT_CONTROLS = frozenset("\t\n\r")


def without_controls(text: str) -> str:
    """`text` without control characters (NUL and the like: nobody types them, PostgreSQL
    refuses NUL in text, they break headers); tabs and line breaks stay."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) != "Cc")


def clean_text(text: str | None) -> str:
    """What a person typed, without control characters and surrounding spaces."""
    return without_controls(text).strip() if text else ""


LIKE_ESCAPE = "\\"


def contains_pattern(word: str) -> str:
    """A LIKE pattern (with LIKE_ESCAPE) matching text that holds `word` as typed: its % and _
    are letters, not wildcards."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
