"""The evaluation forms have one field per goal and area, so they carry only the CSRF token
and the plan version here; the view reads the rest."""

from lms.plans.forms import VersionedForm


class EvaluationForm(VersionedForm):
    """CSRF and version; goals' and areas' answers are read from the request by name."""
