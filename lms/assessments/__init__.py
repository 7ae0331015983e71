"""Self-assessment: rate each skill area of the cycle's framework, see targets and gaps."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessment")

from lms.assessments import views  # noqa: E402,F401
