"""The per-install secret key that signs the session cookie, so sessions survive restarts."""

import logging
import re
import secrets
from pathlib import Path

from .files import write_atomically

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"[0-9a-f]{64}")


def load_or_create_secret_key(path: Path) -> str | None:
    """The key stored at ``path``, created on first use; None when no key can be kept there.

    A corrupt file is set aside and replaced; an unreadable one is left alone.
    """
    try:
        stored = path.read_bytes().decode("ascii", "replace").strip()
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("Cannot read the secret key file %s (%s).", path, error)
        return None
    else:
        if KEY_PATTERN.fullmatch(stored):
            make_private(path)
            return stored
        log.warning(
            "The secret key file %s is corrupt; setting it aside and making a new key.", path
        )
        try:
            path.replace(path.with_name(path.name + ".corrupt"))
        except OSError as error:
            log.warning("Cannot set aside %s (%s).", path, error)

    key = secrets.token_hex(32)
    try:
        write_atomically(path, key.encode("ascii"), mode=0o600)
    except OSError as error:
        log.warning("Cannot save the secret key to %s (%s).", path, error)
        return None
    log.info("Created a new secret key in %s.", path)
    return key


def make_private(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o077:
            log.warning("The secret key file %s was readable by others; making it private.", path)
            path.chmod(0o600)
    except OSError as error:
        log.warning("Cannot make %s private (%s).", path, error)
