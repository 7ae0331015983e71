"""The demo organisation's data: units, people and their self-assessments (seed study)."""

import random
from datetime import datetime

from lms.assessments.services import save_area, start_assessment, submit_assessment
from lms.clock import frozen_at
from lms.cycles import cycle_areas, targets_for
from lms.demo.plans import sends_plan_this_year
from lms.demo.timeline import past
from lms.models import SelfAssessment

UNITS = [
    ("BMA", "กรุงเทพมหานคร", "Bangkok Metropolitan Administration", None),
    ("OPS", "สำนักปลัดกรุงเทพมหานคร", "Office of the Permanent Secretary", "BMA"),
    ("IAO", "สำนักงานการต่างประเทศ", "International Affairs Office", "OPS"),
    ("IAO-ADM", "ฝ่ายบริหารงานทั่วไป", "General Administration Section", "IAO"),
    ("IAO-CR", "ส่วนส่งเสริมความสัมพันธ์ระหว่างเมือง", "City Relations Promotion Division", "IAO"),
    ("IAO-PP", "ส่วนแผนงานและส่งเสริมศักยภาพของเมือง", "Planning and City Potential Promotion Division", "IAO"),
    ("SED", "สำนักยุทธศาสตร์และประเมินผล", "Strategy and Evaluation Department", "BMA"),
    ("SED-CSD", "กองพัฒนาระบบคอมพิวเตอร์", "Computer Systems Development Division", "SED"),
    ("HRDI", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", "BMA Human Resource Development Institute", "BMA"),
]  # fmt: skip

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
LAST = [
    ("ใจดี", "Jaidee"), ("ศรีสุข", "Srisuk"), ("วงศ์ไทย", "Wongthai"), ("แก้วมณี", "Kaewmanee"),
    ("ทองคำ", "Thongkham"), ("บุญมา", "Boonma"), ("สุขสวัสดิ์", "Suksawat"), ("รุ่งเรือง", "Rungruang"),
    ("พรหมมา", "Phromma"), ("เพชรรัตน์", "Phetcharat"), ("มั่นคง", "Mankong"), ("ชัยมงคล", "Chaimongkol"),
]  # fmt: skip

# (login or None, unit, role group, position, reports to (index), roles)
PEOPLE = [
    ("executive", "IAO", "EXEC", "ผู้อำนวยการสำนักงาน", None, (("supervisor", None), ("executive", "IAO"))),
    ("supervisor", "IAO-CR", "MGMT", "ผู้อำนวยการส่วน", 0, (("supervisor", None),)),
    (None, "IAO-PP", "MGMT", "ผู้อำนวยการส่วน", 0, (("supervisor", None),)),
    (None, "IAO-ADM", "MGMT", "หัวหน้าฝ่ายบริหารงานทั่วไป", 0, (("supervisor", None),)),
    (None, "IAO-CR", "ACAD", "หัวหน้ากลุ่มงาน", 1, (("supervisor", None),)),
    (None, "IAO-CR", "ACAD", "หัวหน้ากลุ่มงาน", 1, (("supervisor", None),)),
    (None, "IAO-PP", "ACAD", "หัวหน้ากลุ่มงาน", 2, (("supervisor", None),)),
    (None, "IAO-PP", "ACAD", "หัวหน้ากลุ่มงาน", 2, (("supervisor", None),)),
    ("staff", "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการ", 1, ()),
    (None, "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ปฏิบัติการ", 4, ()),
    (None, "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ปฏิบัติการ", 4, ()),
    (None, "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการ", 4, ()),
    (None, "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการพิเศษ", 5, ()),
    (None, "IAO-CR", "ACAD", "นักวิเทศสัมพันธ์ปฏิบัติการ", 5, ()),
    (None, "IAO-CR", "SERV", "นักวิเทศสัมพันธ์ปฏิบัติการ", 5, ()),
    (None, "IAO-PP", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการ", 6, ()),
    (None, "IAO-PP", "ACAD", "นักวิเทศสัมพันธ์ปฏิบัติการ", 6, ()),
    (None, "IAO-PP", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการพิเศษ", 6, ()),
    (None, "IAO-PP", "ACAD", "นักวิเทศสัมพันธ์ปฏิบัติการ", 7, ()),
    (None, "IAO-PP", "ACAD", "นักวิเทศสัมพันธ์ชำนาญการ", 7, ()),
    (None, "IAO-PP", "SERV", "นักวิเทศสัมพันธ์ปฏิบัติการ", 7, ()),
    ("hr", "IAO-ADM", "OTHER", "นักทรัพยากรบุคคลชำนาญการ", 3, (("hr", "IAO"),)),
    (None, "IAO-ADM", "SERV", "เจ้าพนักงานธุรการ", 3, ()),
    (None, "IAO-ADM", "SERV", "เจ้าพนักงานธุรการ", 3, ()),
    (None, "IAO-ADM", "OTHER", "เจ้าพนักงานธุรการ", 3, ()),
    (None, "IAO-ADM", "OTHER", "พนักงานขับรถ (ลูกจ้าง)", 3, ()),
    (None, "SED-CSD", "MGMT", "ผู้อำนวยการกอง", None, (("supervisor", None),)),
    ("admin", "SED-CSD", "TECH", "นักวิชาการคอมพิวเตอร์ชำนาญการ", 26, (("admin", None),)),
    (None, "SED-CSD", "TECH", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", 26, ()),
    (None, "HRDI", "ACAD", "นักทรัพยากรบุคคลชำนาญการพิเศษ", None, ()),
]  # fmt: skip

JUSTIFICATIONS = {
    "DLIT": "ใช้ Excel และ Google Sheets ทำรายงานสรุปการประชุมเมืองพี่เมืองน้องทุกเดือน",
    "DGOV": "ตรวจสอบการเผยแพร่ข้อมูลส่วนบุคคลของคณะผู้แทนต่างประเทศก่อนส่งต่อ",
    "DTECH": "เคยใช้แดชบอร์ดข้อมูลแต่ยังไม่เคยเลือกเทคโนโลยีให้หน่วยงานเอง",
    "DPSD": "ปรับแบบฟอร์มขอความร่วมมือจากเมืองต่างประเทศให้กรอกออนไลน์ได้",
    "SPM": "ร่วมวางแผนโครงการประชุมนานาชาติ แต่ยังไม่ได้เป็นผู้จัดการโครงการ",
    "DLEAD": "ชวนทีมทดลองใช้ระบบนัดหมายออนไลน์แทนการโทรศัพท์",
    "DTRANS": "เข้าใจนโยบายรัฐบาลดิจิทัล แต่ยังไม่ได้ขับเคลื่อนงานในหน่วยงาน",
}


def assess_everyone(people, closed, current, rng: random.Random) -> None:
    areas = cycle_areas(current)
    for number, person in enumerate(people):
        targets = targets_for(current, person.role_group)
        base = {
            a.id: max(0, min(4, targets.get(a.id, 1) + rng.choice((-2, -1, -1, 0, 0, 1))))
            for a in areas
        }
        _rate(person, closed, areas, base, submit=number % 10 != 9, rng=rng)
        grown = {aid: min(4, lvl + (1 if rng.random() < 0.4 else 0)) for aid, lvl in base.items()}
        if person.email == "staff@demo.local":
            _rate(person, current, areas[:3], grown, submit=False, rng=rng)
        elif number % 3 == 0 or sends_plan_this_year(number):  # a plan starts from the gaps
            _rate(person, current, areas, grown, submit=True, rng=rng)
        elif number % 3 == 1:
            _rate(person, current, areas[: 2 + number % 5], grown, submit=False, rng=rng)


def _rate(person, cycle, areas, levels, *, submit: bool, rng: random.Random) -> SelfAssessment:
    assessment = start_assessment(person, cycle, by=person)
    for area in areas:
        note = JUSTIFICATIONS.get(area.code) if rng.random() < 0.6 else None
        subs = {
            s.id: max(0, min(4, levels[area.id] + rng.choice((-1, 0, 0, 1))))
            for s in area.sub_skills[:3]
        }
        save_area(
            assessment, area, level=levels[area.id], justification=note, sub_levels=subs, by=person
        )
    if submit:
        submitted = datetime(cycle.assessment_due.year, cycle.assessment_due.month, 20, 3, 0)
        with frozen_at(past(submitted)):
            submit_assessment(assessment, by=person)
    return assessment
