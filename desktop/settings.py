"""What the app remembers between launches besides the session: the window's size and place,
its zoom and its theme, in one settings file."""

import json
import logging
import threading
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

from .files import write_atomically
from .zoom import ACTUAL_SIZE, ZOOM_STEPS

log = logging.getLogger(__name__)

MIN_WIDTH, MIN_HEIGHT = 400, 480
MAX_EXTENT = 20_000
SAVE_DELAY = 0.5  # seconds after the last change: a drag sends many moves
MIN_ZOOM, MAX_ZOOM = ZOOM_STEPS[0], ZOOM_STEPS[-1]


def within(value: object, low: float, high: float, kind: type = int) -> bool:
    """Whether ``value`` is a number of ``kind`` (never a bool) from ``low`` to ``high``."""
    return isinstance(value, kind) and not isinstance(value, bool) and low <= value <= high


class Theme(Enum):
    """The colour scheme the window asks of its pages (CSS ``prefers-color-scheme``)."""

    SYSTEM = "system"  # the desktop's
    LIGHT = "light"
    DARK = "dark"


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
            if within(value, low, MAX_EXTENT):
                setattr(geometry, name, value)
        return geometry


@dataclass
class Settings:
    """Everything the settings file holds."""

    window: WindowGeometry = field(default_factory=WindowGeometry)
    zoom: float = ACTUAL_SIZE
    theme: Theme = Theme.SYSTEM

    @classmethod
    def from_dict(cls, data: object) -> "Settings":
        """The settings in ``data``, with anything missing or out of range at its default."""
        settings = cls()
        if not isinstance(data, dict):
            return settings
        settings.window = WindowGeometry.from_dict(data.get("window"))
        zoom = data.get("zoom")
        if within(zoom, MIN_ZOOM, MAX_ZOOM, int | float):
            settings.zoom = float(zoom)
        if data.get("theme") in {theme.value for theme in Theme}:
            settings.theme = Theme(data["theme"])
        return settings

    def to_dict(self) -> dict:
        return {"window": asdict(self.window), "zoom": self.zoom, "theme": self.theme.value}


def load_settings(path: Path) -> Settings:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as error:
        log.warning("Ignoring the unreadable settings file %s (%s).", path, error)
        return Settings()
    return Settings.from_dict(data)


def save_settings(path: Path, settings: Settings) -> bool:
    """Save ``settings``; False (and a log line) when the settings cannot be written."""
    data = json.dumps(settings.to_dict(), indent=2) + "\n"
    try:
        write_atomically(path, data.encode("utf-8"), mode=0o644)
    except OSError as error:
        log.warning("Cannot save the settings to %s (%s).", path, error)
        return False
    return True


class AutosavedSettings:
    """The settings, saved to ``path`` SAVE_DELAY seconds after their last change, so a crash
    loses at most that much; ``save_now`` saves at once (when the window closes)."""

    def __init__(self, path: Path, settings: Settings):
        self.path = path
        self.settings = settings
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def change_geometry(self, **values: int) -> None:
        """Take a new ``width``/``height`` or ``x``/``y``, and save soon."""
        with self._lock:
            for name, value in values.items():
                setattr(self.settings.window, name, value)
            self._save_soon()

    def change(self, zoom: float | None = None, theme: Theme | None = None) -> None:
        """Take a new ``zoom`` or ``theme``, and save soon."""
        with self._lock:
            if zoom is not None:
                self.settings.zoom = zoom
            if theme is not None:
                self.settings.theme = theme
            self._save_soon()

    def reset(self) -> None:
        """Go back to the defaults, and save them at once."""
        with self._lock:
            self.settings = Settings()
        self.save_now()

    def _save_soon(self) -> None:
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
            save_settings(self.path, self.settings)
