"""The Individual Development Plan: goals from gaps, planned 70:20:10 activities, submit, PDF."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plan")
