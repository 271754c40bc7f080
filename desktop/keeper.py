"""What the user saw saved stays saved: the session cookie, kept on disk by the desktop layer.

The session is Flask's signed cookie, and it lives in the web engine, which writes its cookie
store to disk on a timer (about every 30 s): a crash, a kill or a power cut before then loses
the name the user was just greeted with. So this WSGI middleware, around the access guard,
copies every new session cookie the app hands out into a file (written atomically and flushed
to disk) before the response leaves; and at a launch's entry (the request that trades the
token for the access cookie), it hands the kept cookie back when the engine does not hold it
(after a crash, and after every close, since the app then ends without the engine's teardown). A
session that was cleared (by the app, or by Help → Reset Flasky…) is kept as forgotten, and at
the entry the keeper expires the old one the engine may still have on disk.

The web app knows nothing of this, and the cookie stays what Flask made: signed with the app's
key, checked by Flask on every request, so a tampered or foreign cookie is still rejected.
"""

import logging
import threading
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import Morsel
from pathlib import Path

from .access import ENTRY, find_cookie
from .files import write_atomically

log = logging.getLogger(__name__)


RENEW_AFTER = timedelta(days=1)  # a kept cookie this much older than a new one is renewed
FORGOTTEN = "forgotten"  # what the file holds once the session was cleared


def forget_session(path: Path) -> None:
    """Keep on disk that there is no session any more (raises OSError). Not a removal of the
    file: the engine may still hold the old cookie on disk, and the next entry expires it."""
    write_atomically(path, FORGOTTEN.encode("utf-8"), mode=0o600)


def signed_data(value: str) -> str:
    """The data of a signed cookie value: all but its timestamp and signature. (Flask renews
    the cookie's timestamp on every request; only a change of data needs keeping.)"""
    return value.rsplit(".", 2)[0]


class SessionKeeper:
    """WSGI middleware that keeps the app's latest session cookie in ``path``."""

    def __init__(self, app, path: Path, cookie_name: str):
        self.app = app
        self.path = path
        self.cookie_name = cookie_name
        self._lock = threading.Lock()
        self._kept = self._read_kept()

    def __call__(self, environ, start_response):
        def keeping_start_response(status, headers, exc_info=None):
            cookies = [value for name, value in headers if name.lower() == "set-cookie"]
            handed_out = [value for value in cookies if value.startswith(f"{self.cookie_name}=")]
            if handed_out:
                self._keep(handed_out[-1])
            elif environ.get(ENTRY):
                headers = [*headers, *self._restore(environ)]
            return start_response(status, headers, exc_info)

        return self.app(environ, keeping_start_response)

    def _keep(self, set_cookie: str) -> None:
        """Keep ``set_cookie`` on disk when it is made to last and its data changed; forget the
        kept one when the app removes the session. (A cookie without an expiry is meant to end
        with the browser, as the one made for a first visit's CSRF token: it is not kept.)"""
        morsel = self._morsel(set_cookie)
        if morsel is None:
            return
        removed = not morsel.value or morsel["max-age"] == "0"
        lasting = bool(morsel["expires"] or morsel["max-age"])
        with self._lock:
            kept = self._morsel(self._kept) if self._kept else None
            if removed:
                self._kept = None
                self._forget()
            elif lasting and (kept is None or self._newer(morsel, kept)):
                self._kept = set_cookie
                self._save(set_cookie)

    @staticmethod
    def _newer(handed_out: Morsel, kept: Morsel) -> bool:
        """Whether ``handed_out`` has other data than ``kept``, or expires a day or more later
        (so that the kept cookie of a user who never changes name does not expire)."""
        if signed_data(handed_out.value) != signed_data(kept.value):
            return True
        try:
            later = expiry(handed_out) - expiry(kept)
        except (TypeError, ValueError):
            return True
        return later >= RENEW_AFTER

    def _restore(self, environ) -> list[tuple[str, str]]:
        """At the entry: the kept cookie, if the request does not carry it already; or, if the
        session was forgotten, a cookie that expires the one the request still carries. The
        file is the truth (Help → Reset Flasky… writes it from another thread)."""
        with self._lock:
            state = self._read()
            self._kept = None if state == FORGOTTEN else state
        held = self._morsel(environ.get("HTTP_COOKIE", ""))
        if state == FORGOTTEN:
            if held is None or not held.value:
                return []
            log.info("Expired the session the window still had after it was forgotten.")
            return [("Set-Cookie", f"{self.cookie_name}=; Max-Age=0; Path=/")]
        if state is None:
            return []
        if held is not None and signed_data(held.value) == signed_data(self._morsel(state).value):
            return []
        log.info("Gave the window back its kept session.")
        return [("Set-Cookie", state)]

    def _save(self, set_cookie: str) -> None:
        try:
            write_atomically(self.path, set_cookie.encode("utf-8"), mode=0o600)
        except OSError as error:
            # Not kept, and not forgotten either: the next entry leaves the engine's alone.
            log.warning("Cannot keep the session in %s (%s).", self.path, error)
            self._kept = None
            self._remove()

    def _forget(self) -> None:
        try:
            forget_session(self.path)
        except OSError as error:
            log.warning("Cannot keep the session as forgotten in %s (%s).", self.path, error)
            self._remove()  # at least no older session is handed back

    def _remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("Cannot remove the kept session %s (%s).", self.path, error)

    def _read_kept(self) -> str | None:
        state = self._read()
        return None if state == FORGOTTEN else state

    def _read(self) -> str | None:
        """The kept cookie, FORGOTTEN, or None (nothing kept, or nothing usable)."""
        try:
            kept = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            log.warning("Ignoring the unreadable kept session %s (%s).", self.path, error)
            return None
        if kept == FORGOTTEN:
            return FORGOTTEN
        if self._morsel(kept) is None:
            log.warning("Ignoring the kept session %s: it is not a session cookie.", self.path)
            return None
        return kept

    def _morsel(self, header: str) -> Morsel | None:
        """The session cookie in a Set-Cookie or Cookie header's value, if it has one."""
        return find_cookie(header, self.cookie_name)


def expiry(morsel: Morsel) -> datetime:
    """When the cookie expires, from its Expires attribute."""
    return parsedate_to_datetime(morsel["expires"])
