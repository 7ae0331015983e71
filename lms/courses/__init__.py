"""The course catalogue: browse, search, filter, a course page, add a course to my IDP."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")
