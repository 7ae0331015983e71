"""Home page, health check, language toggle and locally served fonts."""

from flask import Blueprint

bp = Blueprint("main", __name__)
