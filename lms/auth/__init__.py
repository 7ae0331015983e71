"""Log-in, log-out, profile and password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
