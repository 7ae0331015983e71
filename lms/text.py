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


def clean_text(text: str | None) -> str:
    """What a person typed, without surrounding spaces and control characters (NUL and the
    like, which PostgreSQL refuses in text); line breaks and tabs are kept."""
    if not text:
        return ""
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return "".join(kept).strip()
