"""Reviewing: a supervisor's decisions on plans and the verification of learning."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)
