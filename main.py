"""Flasky Desktop: double-click to open the Flasky app in its own window."""

from desktop.cli import main

if __name__ == "__main__":
    main()
