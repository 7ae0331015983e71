"""Handing review over while on leave."""

from flask import Blueprint

bp = Blueprint("delegations", __name__)
