"""JSON API v1 (PRODUCT.md section 6): bearer tokens with their owner's rights, JSON errors."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
