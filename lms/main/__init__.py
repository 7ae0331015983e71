"""Home page, health check, language toggle and locally served fonts."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from lms.main import views  # noqa: E402,F401
