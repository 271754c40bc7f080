"""The window's Qt menus: the menu bar (File, Edit, View, Go, Help) with the platform's
shortcuts, and the page's context menu. What each item does is the window's (desktop/native.py).

Shortcuts are Qt's standard key sequences where Qt has one, so each platform gets its own (Cmd on
macOS, where Qt also moves About and Quit to the application menu by their roles); the few the
issue asks for beyond them (Ctrl+R, Ctrl+=, Ctrl+0, Alt+Home) are added to them.
"""

from collections.abc import Callable
from typing import Protocol

from PyQt6.QtCore import QUrl
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import QMenu, QMenuBar, QWidget

from .settings import Theme

StandardKey = QKeySequence.StandardKey
THEME_NAMES = {Theme.SYSTEM: "&System", Theme.LIGHT: "&Light", Theme.DARK: "&Dark"}


class Commands(Protocol):
    """What the menus ask the window to do."""

    theme: Theme

    def quit(self) -> None: ...
    def edit(self, action: str) -> None: ...
    def reload(self) -> None: ...
    def zoom_in(self) -> None: ...
    def zoom_out(self) -> None: ...
    def actual_size(self) -> None: ...
    def choose_theme(self, theme: Theme) -> None: ...
    def back(self) -> None: ...
    def forward(self) -> None: ...
    def home(self) -> None: ...
    def tour(self) -> None: ...
    def open_log_folder(self) -> None: ...
    def about(self) -> None: ...
    def reset(self) -> None: ...
    def open_in_browser(self, url: QUrl) -> None: ...
    def inspect(self) -> None: ...


def shortcuts(standard: StandardKey | None = None, *extra: str) -> list[QKeySequence]:
    """The platform's key sequences for ``standard``, then ``extra`` ones it lacks."""
    keys = QKeySequence.keyBindings(standard) if standard is not None else []
    for text in extra:
        key = QKeySequence(text)
        if key not in keys:
            keys.append(key)
    return keys


def action(
    parent: QWidget,
    text: str,
    triggered: Callable[[], None],
    keys: list[QKeySequence] | None = None,
    role: QAction.MenuRole = QAction.MenuRole.NoRole,
) -> QAction:
    item = QAction(text, parent)
    item.triggered.connect(lambda _checked=False: triggered())
    if keys:
        item.setShortcuts(keys)
    item.setMenuRole(role)
    return item


def add_menu_bar(bar: QMenuBar, window: QWidget, commands: Commands) -> None:
    """Fill ``bar`` (of ``window``) with the app's menus."""

    def menu(title: str, *items: QAction | QMenu | None) -> QMenu:
        added = bar.addMenu(title)
        for item in items:
            if item is None:
                added.addSeparator()
            elif isinstance(item, QMenu):
                added.addMenu(item)
            else:
                added.addAction(item)
        return added

    def item(text, triggered, keys=None, role=QAction.MenuRole.NoRole) -> QAction:
        return action(window, text, triggered, keys, role)

    def edit(text: str, name: str, key: StandardKey) -> QAction:
        return item(text, lambda: commands.edit(name), shortcuts(key))

    menu(
        "&File",
        item(
            "&Quit",
            commands.quit,
            shortcuts(StandardKey.Quit, "Ctrl+Q"),
            QAction.MenuRole.QuitRole,
        ),
    )
    menu(
        "&Edit",
        edit("Cu&t", "Cut", StandardKey.Cut),
        edit("&Copy", "Copy", StandardKey.Copy),
        edit("&Paste", "Paste", StandardKey.Paste),
        None,
        edit("Select &All", "SelectAll", StandardKey.SelectAll),
    )
    menu(
        "&View",
        item("&Reload", commands.reload, shortcuts(StandardKey.Refresh, "Ctrl+R", "F5")),
        None,
        item("Zoom &In", commands.zoom_in, shortcuts(StandardKey.ZoomIn, "Ctrl++", "Ctrl+=")),
        item("Zoom &Out", commands.zoom_out, shortcuts(StandardKey.ZoomOut, "Ctrl+-")),
        item("&Actual Size", commands.actual_size, shortcuts(None, "Ctrl+0")),
        None,
        theme_menu(window, commands),
    )
    menu(
        "&Go",
        item("&Back", commands.back, shortcuts(StandardKey.Back, "Alt+Left")),
        item("&Forward", commands.forward, shortcuts(StandardKey.Forward, "Alt+Right")),
        item("&Home", commands.home, shortcuts(None, "Alt+Home")),
    )
    menu(
        "&Help",
        item("The Book &Tour", commands.tour, shortcuts(StandardKey.HelpContents)),
        item("Open the &Log Folder", commands.open_log_folder),
        None,
        item("&Reset Flasky…", commands.reset),
        None,
        item("&About Flasky", commands.about, role=QAction.MenuRole.AboutRole),
    )


def theme_menu(window: QWidget, commands: Commands) -> QMenu:
    """View → Theme: System, Light or Dark, one checked."""
    themes = QMenu("&Theme", window)
    group = QActionGroup(themes)  # exclusive: one checked
    choices = {}
    for theme, name in THEME_NAMES.items():
        choices[theme] = action(window, name, lambda theme=theme: commands.choose_theme(theme))
        choices[theme].setCheckable(True)
        group.addAction(choices[theme])
        themes.addAction(choices[theme])

    def check_current() -> None:  # Reset changes the theme too
        choices[commands.theme].setChecked(True)

    check_current()
    themes.aboutToShow.connect(check_current)
    return themes


def context_menu(
    parent: QWidget, commands: Commands, link: QUrl | None, debug: bool = False
) -> QMenu:
    """The page's context menu; with ``link`` (the link under the pointer), Open in Browser."""
    menu = QMenu(parent)
    if link is not None:
        menu.addAction(action(menu, "&Open in Browser", lambda: commands.open_in_browser(link)))
        menu.addSeparator()
    for text, triggered in (
        ("&Back", commands.back),
        ("&Forward", commands.forward),
        ("&Reload", commands.reload),
    ):
        menu.addAction(action(menu, text, triggered))
    menu.addSeparator()
    for text, name in (("&Copy", "Copy"), ("&Paste", "Paste"), ("Select &All", "SelectAll")):
        menu.addAction(action(menu, text, lambda name=name: commands.edit(name)))
    if debug:
        menu.addSeparator()
        menu.addAction(action(menu, "&Inspect", commands.inspect))
    return menu
