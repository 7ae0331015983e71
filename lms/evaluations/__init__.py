"""The year-end evaluation: the person's own and the supervisor's."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__)
