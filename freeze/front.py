"""Where every launch of the one-file executable starts.

A later launch finds its build unpacked and whole in the user's cache, and runs it at once in
place of this process. Until then the launch is this module alone, after PyInstaller's
bootloader, so it imports only ``fcntl`` and ``struct`` besides what Python has loaded already:
json, pathlib and platformdirs (with ``re``, ``tempfile`` and ``dataclasses`` behind them), and
PyInstaller's runtime hook for ``inspect``, which build.spec leaves out, made each launch
0.031 s slower. Everything else, the first launch of a build (which unpacks it), a damaged
build, older builds to remove and every error message, is ``freeze/onefile.py``'s.
"""

import os
import sys

from freeze.cache import builds_folder, is_complete, lock, run, to_remove
from freeze.section import DamagedExecutable, build_id, find_section


def main() -> int:
    """Run the one file's build, from the cache if it is there whole, else through
    ``freeze/onefile.py``; an exit status if it cannot."""
    # Descriptors 0 to 2 taken (by /dev/null where they were closed), so that no file opened
    # here, the build's lock that the app inherits, or the unpacking lock that onefile.py gives
    # its settling process, gets one of their numbers.
    for standard in range(3):
        try:
            os.fstat(standard)
        except OSError:
            # The lowest free number: this one; and the app's as well, once it takes over.
            os.set_inheritable(os.open(os.devnull, os.O_RDWR), True)
    try:
        builds = builds_folder()
        if builds is not None:
            run_if_unpacked(sys.executable, builds)
        from freeze import onefile

        return onefile.main()
    except KeyboardInterrupt:  # Ctrl-C before the build took over: nothing to say
        return 130


def run_if_unpacked(executable: str, builds: str) -> None:
    """Run the build of ``executable`` in place of this process, if ``builds`` holds it whole
    and nothing that a launch would remove; otherwise return."""
    try:
        name = build_id(find_section(executable)[2])
        if any(to_remove(entry, keep=name) for entry in os.listdir(builds)):
            return  # onefile.py removes it first
        descriptor = lock(os.path.join(builds, f"{name}.lock"), shared=True)
    except (OSError, DamagedExecutable):
        return  # onefile.py unpacks, or says why it cannot
    build = os.path.join(builds, name)
    try:
        if is_complete(build):
            os.set_inheritable(descriptor, True)  # held by the app until it exits
            run(build, sys.argv[1:])
    except OSError:
        pass  # onefile.py tries again, and says why it cannot
    os.close(descriptor)


if __name__ == "__main__":
    sys.exit(main())
