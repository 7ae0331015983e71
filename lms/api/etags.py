"""ETags of the API's writable things: their version column. A change needs the version the
client read (If-Match): 428 without it, 412 when it changed since."""

from flask import request
from flask_smorest import abort


def etag(version: int) -> dict:
    return {"ETag": f'"{version}"'}


def check_if_match(version: int, what: str = "It") -> None:
    sent = request.headers.get("If-Match")
    if not sent:
        abort(
            428,
            message="Send If-Match with the ETag you read, so that nobody's change is lost.",
            error_code="if_match_required",
        )
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in sent.split(",")}
    if "*" not in tags and str(version) not in tags:
        abort(
            412,
            message=f"{what} changed since you read it: read it again, then change it.",
            error_code="version_changed",
        )
