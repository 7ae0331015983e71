"""Self-assessment: rate each skill area of the cycle's framework, see targets and gaps."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessment")
