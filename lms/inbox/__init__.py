"""The inbox: what waits for each person, and their notifications."""

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
