"""Administration pages: thin views and forms over the features' services (cycles today;
units, people and accounts next). The same services serve `flask lms ...` and the API."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
