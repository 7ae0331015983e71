"""JSON API v1 (PRODUCT.md section 6) on flask-smorest: the endpoints are declared with the
marshmallow schemas of `lms.api.schemas`, and the OpenAPI document at /api/v1/openapi.json is
generated from them (`register`). Bearer tokens carry their owner's rights; every error is JSON
(`lms.errors`)."""

from flask import Flask
from flask_smorest import Api, Blueprint

from lms.api.schemas.errors import ErrorSchema

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="One's own self-assessment, plan, learning log, inbox and feedback; a "
    "reviewer's team, plans waiting and verifications; reports of unit subtrees",
)

DESCRIPTION = (
    "Thaksa's API. A token (made on one's profile page, My API tokens, or by an administrator "
    "with `flask lms token create EMPLOYEE_NO_OR_EMAIL`) carries its owner's rights, no more: "
    "HR and executives read the "
    "units they are assigned to, staff their own data. Send it as `Authorization: Bearer "
    "<token>`. Rates are fractions from 0 to 1, null where nothing is counted. Every error is "
    '`{"error": {"code", "message", "fields"}}` with its HTTP status. Every change needs '
    "`If-Match` with the ETag read (428 without it, 412 when it changed meanwhile); a step the "
    "workflow does not allow now answers 409 with its reason. Learning providers send "
    "completions as xAPI 1.0.3 statements to `/xapi/statements` (HTTP Basic credentials from "
    "an administrator); a person's token reads their learning there as statements."
)


class ThaksaApi(Api):
    """flask-smorest's Api, with Thaksa's error body in the document and the app's own JSON
    error handling (lms.errors) instead of its handler for every HTTP error of the app."""

    ERROR_SCHEMA = ErrorSchema  # what the document says every error looks like

    def _register_error_handlers(self):
        """The app's handlers answer JSON under /api/ and pages elsewhere."""


def register(app: Flask) -> None:
    """Attach the API and its generated document to `app` (create_app calls it)."""
    from lms.api import (  # noqa: F401 - the endpoints attach to `bp`
        assessments,
        inbox,
        learning,
        plan_editing,
        plans,
        team,
        views,
    )
    from lms.api.pages import pages

    app.config.setdefault("API_TITLE", "Thaksa API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = ThaksaApi(
        app,
        spec_kwargs={
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/"}],
        },
    )
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "a Thaksa API token"}
    )
    api.spec.options["security"] = [{"bearer": []}]
    api.register_blueprint(bp)
    app.register_blueprint(pages)
    app.extensions["thaksa_api"] = api
