"""The demo's people's names (Thai and English), and the polite particle each writes."""

FIRST = [
    ("สมชาย", "Somchai"), ("สุดารัตน์", "Sudarat"), ("วิชัย", "Wichai"), ("พิมพ์ชนก", "Pimchanok"),
    ("ธนพล", "Thanaphon"), ("กาญจนา", "Kanchana"), ("ประเสริฐ", "Prasert"), ("นภัสสร", "Napatsorn"),
    ("อนุชา", "Anucha"), ("ศิริพร", "Siriporn"), ("ณัฐวุฒิ", "Nattawut"), ("วรรณา", "Wanna"),
    ("ชัยวัฒน์", "Chaiwat"), ("ปิยะนุช", "Piyanuch"), ("สุรเชษฐ์", "Surachet"), ("อรอุมา", "On-uma"),
    ("กิตติพงษ์", "Kittipong"), ("จิราพร", "Jiraporn"), ("ธีรวัฒน์", "Teerawat"), ("มาลัย", "Malai"),
    ("พงศกร", "Pongsakorn"), ("รัชนี", "Ratchanee"), ("เอกชัย", "Ekkachai"), ("สายสุนีย์", "Saisunee"),
    ("ภานุวัฒน์", "Panuwat"), ("ดวงใจ", "Duangjai"), ("ศักดิ์ชัย", "Sakchai"), ("อัญชลี", "Anchalee"),
    ("วีระพงษ์", "Weerapong"), ("ลัดดา", "Ladda"), ("บุญเลิศ", "Boonlert"), ("ปวีณา", "Paweena"),
]  # fmt: skip
# FIRST alternates a man's name and a woman's: the polite particle a person ends a sentence with
FEMALE = frozenset(first for index, (first, _en) in enumerate(FIRST) if index % 2)


def particle(person, *, question: bool = False) -> str:
    """The polite particle `person` writes: ครับ for a man, ค่ะ (คะ in a question) for a woman."""
    if person.name_th.split(" ")[0] in FEMALE:
        return "คะ" if question else "ค่ะ"
    return "ครับ"


LAST = [
    ("ใจดี", "Jaidee"), ("ศรีสุข", "Srisuk"), ("วงศ์ไทย", "Wongthai"), ("แก้วมณี", "Kaewmanee"),
    ("ทองคำ", "Thongkham"), ("บุญมา", "Boonma"), ("สุขสวัสดิ์", "Suksawat"), ("รุ่งเรือง", "Rungruang"),
    ("พรหมมา", "Phromma"), ("เพชรรัตน์", "Phetcharat"), ("มั่นคง", "Mankong"), ("ชัยมงคล", "Chaimongkol"),
]  # fmt: skip
