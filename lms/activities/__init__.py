"""The 70:20:10 learning log: record activities with reflections and evidence files."""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/learning")
