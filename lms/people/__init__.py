"""People pages: my team, the people of my units, a person's page and assessment results."""

from flask import Blueprint

bp = Blueprint("people", __name__)
