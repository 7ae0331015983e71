"""Unit digital-literacy reports (PRODUCT.md section 5): figures, charts, exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
