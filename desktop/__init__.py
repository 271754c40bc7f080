"""Flasky Desktop: the Flasky web app in a native window, served from a thread of this process."""

__version__ = "0.1.0"
