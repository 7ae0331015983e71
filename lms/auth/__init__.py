"""Log-in, log-out, profile and password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from lms.auth import views  # noqa: E402,F401
