"""Learning done elsewhere (issue 22, parts 4 and 5): the statements resource of xAPI 1.0.3 at
/xapi/ (providers post completions; a person's learning goes out as statements), and the
pages where administrators make providers' credentials and HR sees what was kept aside."""

from flask import Blueprint, Flask

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
pages = Blueprint("interchange", __name__, url_prefix="/admin/learning-providers")


def register(app: Flask) -> None:
    from lms.interchange import (
        providers,  # noqa: F401 - the routes attach to `pages`
        views,  # noqa: F401 - the routes attach to `bp`
    )

    app.register_blueprint(bp)
    app.register_blueprint(pages)
