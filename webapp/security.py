"""Response headers that keep pages to the app's own origin and out of other sites' frames."""

import base64
import hashlib

from flask import Flask, Response, current_app


def style_hash(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# Flask-Moment hides each timestamp with style="display: none" until moment.js renders it:
# that one inline style is allowed by its hash; no other inline style or script is.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' 'unsafe-hashes' {style_hash('display: none')}",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
OPENER_POLICY = "Cross-Origin-Opener-Policy"


def add_security_headers(response: Response) -> Response:
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    if opener_policy := current_app.config["OPENER_POLICY"]:
        response.headers.setdefault(OPENER_POLICY, opener_policy)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
