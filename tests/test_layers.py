"""The house's layers hold at run time too: services load no pages, PDFs or charts."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SERVICES = [
    "lms.assessments.services",
    "lms.plans.services",
    "lms.plans.workflow",
    "lms.plans.suggestions",
    "lms.activities.services",
    "lms.activities.evidence",
    "lms.courses.services",
    "lms.people.services",
    "lms.main.services",
    "lms.learning",
    "lms.permissions",
    "lms.cycles",
    "lms.cli",
]
HEAVY = ("weasyprint", "matplotlib")


def test_importing_every_service_loads_no_views_pdf_or_charts():
    probe = (
        "import sys\n"
        f"for name in {SERVICES!r}: __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.endswith('.views') and m.startswith('lms'))\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(loaded, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] []", result.stdout + result.stderr


def test_the_app_factory_registers_every_feature():
    from flask import current_app

    names = set(current_app.blueprints)
    assert {"main", "auth", "assessments", "plans", "activities", "courses", "people"} <= names
