"""Supervisor pages: review a plan and compare its versions, verify learning, the year-end
evaluation, and handing review over while on leave."""

from flask import Blueprint

bp = Blueprint("review", __name__)
