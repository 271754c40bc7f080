"""What the app remembers between launches besides the session: the window's size and place."""

import json
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from .files import write_atomically

log = logging.getLogger(__name__)

MIN_WIDTH, MIN_HEIGHT = 400, 480
MAX_EXTENT = 20_000
SAVE_DELAY = 0.5  # seconds after the last move or resize: a drag sends many


@dataclass
class WindowGeometry:
    width: int = 1100
    height: int = 780
    x: int | None = None
    y: int | None = None

    @classmethod
    def from_dict(cls, data: object) -> "WindowGeometry":
        """The geometry in ``data``, with anything missing or out of range at its default."""
        geometry = cls()
        if not isinstance(data, dict):
            return geometry
        for name, low in (
            ("width", MIN_WIDTH),
            ("height", MIN_HEIGHT),
            ("x", -MAX_EXTENT),
            ("y", -MAX_EXTENT),
        ):
            value = data.get(name)
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and low <= value <= MAX_EXTENT
            ):
                setattr(geometry, name, value)
        return geometry


def load_geometry(path: Path) -> WindowGeometry:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return WindowGeometry()
    except (OSError, ValueError) as error:
        log.warning("Ignoring the unreadable settings file %s (%s).", path, error)
        return WindowGeometry()
    return WindowGeometry.from_dict(data.get("window") if isinstance(data, dict) else None)


def save_geometry(path: Path, geometry: WindowGeometry) -> bool:
    """Save ``geometry``; False (and a log line) when the settings cannot be written."""
    data = json.dumps({"window": asdict(geometry)}, indent=2) + "\n"
    try:
        write_atomically(path, data.encode("utf-8"), mode=0o644)
    except OSError as error:
        log.warning("Cannot save the window geometry to %s (%s).", path, error)
        return False
    return True


class AutosavedGeometry:
    """The window's geometry, saved to ``path`` SAVE_DELAY seconds after its last change, so a
    crash loses at most that much; ``save_now`` saves at once (when the window closes)."""

    def __init__(self, path: Path, geometry: WindowGeometry):
        self.path = path
        self.geometry = geometry
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def change(self, **values: int) -> None:
        """Take new ``width``/``height`` or ``x``/``y``, and save them soon."""
        with self._lock:
            for name, value in values.items():
                setattr(self.geometry, name, value)
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(SAVE_DELAY, self.save_now)
            self._timer.daemon = True
            self._timer.start()

    def save_now(self) -> None:
        with self._lock:
            if self._timer:
                self._timer.cancel()
                self._timer = None
            save_geometry(self.path, self.geometry)
