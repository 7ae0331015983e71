"""Security headers: a Content-Security-Policy without inline script, and friends."""

from flask import Flask, g, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Only a response that loaded its reader can carry personal data; asking who is logged
        # in here would make /healthz and the 503 page wait on a stalled database.
        reader = g.get("_login_user")  # Flask-Login's loaded user, if any
        personal = g.get("database_down") or (reader is not None and reader.is_authenticated)
        if request.endpoint != "static" and (personal or g.get("api_person") is not None):
            # Everything a logged-in person sees is theirs or their people's: never kept by a
            # shared cache, a proxy or the browser's back-forward history on a shared PC.
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.add("Vary", "Cookie")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
