"""The Thai text follows the glossary (lms/translations/glossary.yaml): one word for each thing,
the reader addressed as ท่าน, and none of the words a civil servant would not write."""

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = yaml.safe_load((ROOT / "lms/translations/glossary.yaml").read_text(encoding="utf-8"))
PO = ROOT / "lms/translations/th/LC_MESSAGES/messages.po"
TERMS = {t["th"]: t for t in GLOSSARY["terms"]}


def messages() -> list[tuple[str, str]]:
    """(msgid, msgstr) for every message; plural forms joined."""
    with PO.open("rb") as fh:
        catalogue = read_po(fh)
    pairs = []
    for m in catalogue:
        if not m.id:
            continue
        msgid = " | ".join(m.id) if isinstance(m.id, tuple) else m.id
        msgstr = " | ".join(m.string) if isinstance(m.string, tuple) else m.string
        pairs.append((msgid, msgstr))
    return pairs


def thai_texts() -> list[tuple[str, str]]:
    """(where, text) for every Thai text a person reads: translations, content, templates."""
    texts = [(f"po: {msgid}", msgstr) for msgid, msgstr in messages()]
    for pattern in ("content/**/*.yaml", "content/*.csv", "templates/**/*.html"):
        for path in sorted(ROOT.glob(pattern)):
            texts.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("term", GLOSSARY["terms"], ids=lambda t: t["en"])
def test_every_message_uses_the_glossary_term(term):
    pattern = re.compile(term["match"], re.IGNORECASE)
    target = re.compile(TERMS["ระดับเป้าหมาย"]["match"], re.IGNORECASE)
    wrong = [
        (msgid, msgstr)
        for msgid, msgstr in messages()
        if pattern.search(msgid)
        and (
            term["th"] not in msgstr
            or (term.get("not_with") and term["not_with"] in msgstr and not target.search(msgid))
        )
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "term", [t for t in GLOSSARY["terms"] if t.get("avoid")], ids=lambda t: t["en"]
)
def test_no_other_word_stands_for_a_glossary_term(term):
    found = [
        (where, word) for where, text in thai_texts() for word in term["avoid"] if word in text
    ]
    assert found == []


def test_no_casual_words_exclamations_or_ambiguous_phrases():
    found = [
        (where, rule["text"])
        for where, text in thai_texts()
        for rule in GLOSSARY["style"]["avoid"]
        if rule["text"] in _thai_only(text, where)
    ]
    assert found == []


def test_thai_sentences_do_not_end_with_a_full_stop():
    endings = tuple(GLOSSARY["style"]["full_stop_endings"])
    stray = [
        msgstr
        for _msgid, msgstr in messages()
        if msgstr.rstrip().endswith(".") and not msgstr.rstrip().endswith(endings)
    ]
    assert stray == []


def test_the_reader_is_addressed_as_than_and_khun_is_only_an_honorific():
    # คุณ inside a word (ขอบคุณ, คุณภาพ, คุณวุฒิ ...) is not an address
    address = re.compile(r"(?<!ขอบ)คุณ(?!ภาพ|วุฒิ|สมบัติ|ค่า|ลักษณะ|ธรรม|ประโยชน์|%\()")
    assert [msgstr for _msgid, msgstr in messages() if address.search(msgstr)] == []


def test_the_checks_catch_what_they_are_for():
    """Each rule fails on the wording it was written against."""
    hr = re.compile(TERMS["ฝ่ายบุคคล"]["match"])
    assert hr.search("HR opens the cycle") and "ฝ่ายบุคคล" not in "ฝ่ายทรัพยากรบุคคลจะเปิดรอบ"
    assert "แผนที่" in "อนุมัติแผนที่เลือก" and "แผนที่" not in "อนุมัติแผนพัฒนาที่เลือก"
    assert "กลุ่มบทบาท" in TERMS["กลุ่มภารกิจ"]["avoid"]


def _thai_only(text: str, where: str) -> str:
    """A template's or content file's text without code, where "!" means "not" (!=, <!doctype)."""
    if where.startswith("po:"):
        return text
    text = re.sub(r"\{[%{#].*?[%}#]\}", " ", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->|<![^>]*>", " ", text, flags=re.DOTALL)
    thai = re.compile(r"[\u0E00-\u0E7F]")
    # keep only lines with Thai in them: English text and code are not in scope here
    return "\n".join(line for line in text.splitlines() if thai.search(line))


def test_a_draft_reads_draft_and_not_yet_evaluated_is_not_not_yet_verified():
    """Issue 21: ยังไม่รับรอง (not yet verified) stood where "not yet evaluated" was meant, and a
    draft plan read กำลังทำ (in progress)."""
    with PO.open("rb") as fh:
        catalogue = read_po(fh)
    by_key = {(m.id, m.context): m.string for m in catalogue if m.id}
    assert by_key[("Draft", "plan status")] == "ร่าง"
    assert by_key[("not yet evaluated", "evaluation")] == "ยังไม่ได้ประเมิน"
    wrong = [
        msgid
        for msgid, msgstr in messages()
        if "ยังไม่รับรอง" in msgstr and re.search(r"evaluat", msgid, re.IGNORECASE)
    ]
    assert wrong == [] and not any("กำลังทำ" in msgstr for _msgid, msgstr in messages())


def test_the_demo_people_write_the_polite_particle_of_their_own_gender():
    from types import SimpleNamespace

    from lms.demo.names import FIRST, particle

    man, woman = FIRST[0][0], FIRST[1][0]
    assert particle(SimpleNamespace(name_th=f"{man} ใจดี")) == "ครับ"
    assert particle(SimpleNamespace(name_th=f"{woman} ใจดี")) == "ค่ะ"
    assert particle(SimpleNamespace(name_th=f"{woman} ใจดี"), question=True) == "คะ"
