"""The session is a signed cookie (chapter 4): what the browser holds, and what tampering does."""

from flask import current_app
from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeTimedSerializer


def session_serializer(secret_key: str | None = None) -> URLSafeTimedSerializer:
    """The serializer Flask signs session cookies with: the app's, or the same with another key."""
    interface = current_app.session_interface
    return URLSafeTimedSerializer(
        secret_key or current_app.secret_key,
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={
            "key_derivation": interface.key_derivation,
            "digest_method": interface.digest_method,
        },
    )


def signature_problem(value: str, secret_key: str | None = None) -> str | None:
    """Why Flask would refuse the session cookie ``value`` (checked with the app's key, or with
    ``secret_key``), or None when it would accept it."""
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    try:
        session_serializer(secret_key).loads(value, max_age=lifetime)
    except SignatureExpired:
        return "the signature is older than the session's lifetime"
    except BadSignature:
        return "the signature does not match the data and timestamp"
    except BadData:
        return "the data is signed but cannot be read"
    return None
