"""Feedback threads on a plan, a goal or an activity, between a person and their supervisors."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
