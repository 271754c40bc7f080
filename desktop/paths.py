"""Where the app keeps its files: per-user directories, and its own bundled resources."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Flasky"


@dataclass(frozen=True)
class UserPaths:
    """The per-user directories the app writes to; nothing is written next to the executable."""

    data: Path
    config: Path
    log: Path
    cache: Path
    runtime: Path | None = None  # the login session's own folder ($XDG_RUNTIME_DIR), if any

    @property
    def secret_key(self) -> Path:
        return self.data / "secret_key"

    @property
    def kept_session(self) -> Path:
        """The latest session cookie the app handed out (desktop/keeper.py)."""
        return self.data / "session_cookie"

    @property
    def web_storage(self) -> Path:
        return self.data / "webview"

    @property
    def settings(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log / "flasky.log"

    @property
    def compiled_templates(self) -> Path:
        """Where the app keeps its templates compiled, for the next launch."""
        return self.cache / "templates"

    @property
    def unpacked_builds(self) -> Path:
        """Where the one-file executable keeps the builds it has unpacked (freeze/onefile.py);
        freeze/cache.py finds it without platformdirs, for each later launch."""
        return self.cache / "builds"


def user_paths() -> UserPaths:
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return UserPaths(
        data=Path(dirs.user_data_dir),
        config=Path(dirs.user_config_dir),
        log=Path(dirs.user_log_dir),
        cache=Path(dirs.user_cache_dir),
        # Not platformdirs' user_runtime_dir: without $XDG_RUNTIME_DIR it warns or raises.
        runtime=Path(os.environ["XDG_RUNTIME_DIR"]) if os.environ.get("XDG_RUNTIME_DIR") else None,
    )


def is_writable(directory: Path) -> bool:
    """Whether files can be created in ``directory`` (creating it if needed)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return True


def resource_path(*parts: str) -> Path:
    """A file shipped with the app, in the source tree or inside the frozen bundle."""
    root = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return root.joinpath(*parts)
