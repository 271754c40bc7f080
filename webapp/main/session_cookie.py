"""The session is a signed cookie (chapter 4): what the browser holds, and what tampering does.

The tamper demo never loses the user's session: before the browser gets a cookie with one
character changed, the untouched cookie is set aside in a second cookie, signed with the app's
key and kept as long as the session would be; "restore" gives it back as it was.
"""

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from itsdangerous import (
    BadData,
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int
from werkzeug import Response

from ..masking import mask_cookie_values
from . import bp

HELD_SALT = "flasky-session-set-aside"
LARGEST_DATA = 64 * 1024  # what the page decodes of a cookie's data (a cookie is 4 KB at most)


def session_serializer(secret_key: str | None = None) -> URLSafeTimedSerializer:
    """The serializer Flask signs session cookies with: the app's, or the same with another key."""
    interface = current_app.session_interface
    if secret_key is None:
        return interface.get_signing_serializer(current_app)
    return URLSafeTimedSerializer(
        secret_key,
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={
            "key_derivation": interface.key_derivation,
            "digest_method": interface.digest_method,
        },
    )


def lifetime_seconds() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds())


def signature_problem(value: str, secret_key: str | None = None) -> str | None:
    """Why Flask would refuse the session cookie ``value`` (checked with the app's key, or with
    ``secret_key``), or None when it would accept it."""
    try:
        session_serializer(secret_key).loads(value, max_age=lifetime_seconds())
    except SignatureExpired:
        return "the signature is older than the session's lifetime"
    except BadSignature:
        return "the signature does not match the data and timestamp"
    except BadData:
        return "the data is signed but cannot be read"
    return None


@dataclass(frozen=True)
class CookieParts:
    """A session cookie's three parts, and what the first two hold."""

    data: str  # the first part, as sent: base64 of the JSON (after a "." when compressed)
    timestamp: str
    signature: str
    json: str | None  # the data decoded, or None when it does not decode
    signed_at: datetime | None

    @property
    def compressed(self) -> bool:
        return self.data.startswith(".")


def split_session_cookie(value: str) -> CookieParts | None:
    """The parts of the Flask session cookie ``value``, or None when it is not one."""
    parts = value.rsplit(".", 2)
    if len(parts) != 3 or not all(parts) or parts[0] == ".":
        return None
    data, timestamp, signature = parts
    return CookieParts(data, timestamp, signature, decode_data(data), decode_time(timestamp))


def decode_data(data: str) -> str | None:
    """The JSON text a cookie's data part holds, or None when it holds none (or too much)."""
    try:
        raw = base64_decode(data.removeprefix("."))
        if data.startswith("."):
            inflater = zlib.decompressobj()
            raw = inflater.decompress(raw, LARGEST_DATA)
            if inflater.unconsumed_tail:
                return None
        return raw.decode("utf-8")
    except (BadData, zlib.error, UnicodeDecodeError):
        return None


def encode_data(text: str, compressed: bool) -> str:
    raw = text.encode("utf-8")
    if compressed:
        return "." + base64_encode(zlib.compress(raw)).decode("ascii")
    return base64_encode(raw).decode("ascii")


def decode_time(timestamp: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(bytes_to_int(base64_decode(timestamp)), UTC)
    except (BadData, OverflowError, OSError, ValueError):
        return None


def pretty_json(text: str) -> str:
    """JSON text indented for reading, or as it is when it is not JSON."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text
    pretty = json.dumps(data, indent=2, ensure_ascii=False)
    if not pretty.isascii() and not is_utf8(pretty):  # lone surrogates, from a forged cookie
        return json.dumps(data, indent=2)
    return pretty


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def next_character(character: str) -> str:
    """Another character in place of ``character``: the next letter or digit, or an "x"."""
    wrapped = {"z": "a", "Z": "A", "9": "0"}.get(character)
    if wrapped or not (character.isascii() and character.isalnum()):
        return wrapped or "x"
    return chr(ord(character) + 1)


def tampered(value: str) -> str:
    """The session cookie ``value`` (a valid one) with one character of its data changed (the
    last of the name, else of another text in it), written as Flask writes it, and its timestamp
    and signature kept: what someone editing their cookie would do."""
    parts = split_session_cookie(value)
    serializer = current_app.session_interface.serializer
    data = serializer.loads(parts.json)
    texts = sorted(key for key, item in data.items() if isinstance(item, str) and item)
    if not texts:  # nothing to change in the data: change the signature instead
        first = "B" if parts.signature[0] == "A" else "A"
        return f"{parts.data}.{parts.timestamp}.{first}{parts.signature[1:]}"
    key = "name" if "name" in texts else texts[-1]
    data[key] = data[key][:-1] + next_character(data[key][-1])
    changed = encode_data(serializer.dumps(data), parts.compressed)
    return f"{changed}.{parts.timestamp}.{parts.signature}"


def held_cookie_name() -> str:
    return current_app.config["SESSION_COOKIE_NAME"] + "_set_aside"


def held_signer() -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt=HELD_SALT)


@dataclass(frozen=True)
class HeldSession:
    """The session cookie the tamper demo set aside, if the browser sent one back."""

    value: str | None  # the untouched session cookie, or None when the held one is not valid
    since: datetime | None


def held_session() -> HeldSession | None:
    held = request.cookies.get(held_cookie_name())
    if held is None:
        return None
    try:
        value, since = held_signer().unsign(held, max_age=lifetime_seconds(), return_timestamp=True)
    except BadData:
        return HeldSession(None, None)
    return HeldSession(value.decode("utf-8"), since)


def is_permanent(value: str) -> bool:
    try:
        return bool(session_serializer().loads(value).get("_permanent"))
    except (BadData, AttributeError):
        return False


def set_session_cookie(response: Response, name: str, value: str, lasting: bool) -> None:
    """Set a cookie as Flask sets the session's: same path, flags, and (if ``lasting``) expiry."""
    app, interface = current_app, current_app.session_interface
    response.set_cookie(
        name,
        value,
        expires=datetime.now(UTC) + app.permanent_session_lifetime if lasting else None,
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=interface.get_cookie_secure(app),
        httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app),
    )


def delete_held_cookie(response: Response) -> None:
    interface = current_app.session_interface
    response.delete_cookie(
        held_cookie_name(),
        path=interface.get_cookie_path(current_app),
        domain=interface.get_cookie_domain(current_app),
    )


def leave_the_session_cookie_to_the_view() -> None:
    """Keep Flask from sending its own session cookie with this response, which would replace
    the one the view sets. (This request's copy of the session is emptied, unchanged.)"""
    session.clear()
    session.modified = False


@bp.route("/session")
def session_cookie():
    name = current_app.config["SESSION_COOKIE_NAME"]
    value = request.cookies.get(name)
    parts = split_session_cookie(value) if value else None
    held = held_session()
    return render_template(
        "main/session.html",
        cookie_name=name,
        value=value,
        parts=parts,
        data=pretty_json(parts.json) if parts and parts.json else None,
        problem=signature_problem(value) if parts else None,
        session_now=dict(session),
        held=held,
        held_data=held and held.value and split_session_cookie(held.value),
        restored="restored" in request.args,
        other_cookies=mask_cookie_values(
            {
                key: val
                for key, val in request.cookies.items()
                if key not in (name, held_cookie_name())
            }
        ),
    )


@bp.post("/session/tamper")
def tamper_with_session():
    value = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    if held_session() is not None:
        flash(
            "Your session is already set aside: restore it, or keep the one you have, first.",
            "warning",
        )
        return redirect(url_for(".session_cookie"))
    if not value or not split_session_cookie(value) or signature_problem(value):
        flash(
            "Your browser holds no valid session cookie to tamper with: give your name first.",
            "warning",
        )
        return redirect(url_for(".session_cookie"))
    response = redirect(url_for(".session_cookie"))
    # Lasting as the session would, so that a demo left half-way never costs the session; the
    # tampered cookie ends with the browser.
    set_session_cookie(
        response, held_cookie_name(), held_signer().sign(value).decode(), is_permanent(value)
    )
    set_session_cookie(
        response, current_app.config["SESSION_COOKIE_NAME"], tampered(value), lasting=False
    )
    leave_the_session_cookie_to_the_view()
    return response


@bp.post("/session/restore")
def restore_session():
    held = held_session()
    if held is None or held.value is None:
        flash(
            "There is no session set aside that this app can restore: "
            "it was signed with another key, or it is gone.",
            "warning",
        )
        return redirect(url_for(".session_cookie"))
    response = redirect(url_for(".session_cookie", restored=1))
    set_session_cookie(
        response, current_app.config["SESSION_COOKIE_NAME"], held.value, is_permanent(held.value)
    )
    delete_held_cookie(response)
    leave_the_session_cookie_to_the_view()
    return response


@bp.post("/session/keep")
def keep_current_session():
    """Forget the session set aside and keep the one the browser holds now."""
    response = redirect(url_for(".session_cookie"))
    delete_held_cookie(response)
    return response


@bp.app_context_processor
def inject_held_session() -> dict:
    """Whether the tamper demo holds the user's session, for the reminder on every page."""
    return {"session_set_aside": request.cookies.get(held_cookie_name()) is not None}
