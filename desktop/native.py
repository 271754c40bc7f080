"""What makes the Qt window feel native, beyond what pywebview offers: the menu bar and the
page's context menu (desktop/menus.py), zoom and theme (kept in the settings), where links open
(desktop/links.py), and Help → Reset Flasky….

Everything here runs on the GUI thread: it is set up from pywebview's ``before_show`` event
(which runs there, once the window, its view and its web profile exist) and driven by Qt.
"""

import logging
import webbrowser
from collections.abc import Callable

from PyQt6.QtCore import PYQT_VERSION_STR, QPoint, Qt, QTimer, QUrl, qVersion
from PyQt6.QtGui import QColor, QDesktopServices, QGuiApplication, QPalette
from PyQt6.QtNetwork import QNetworkCookie
from PyQt6.QtWebEngineCore import (
    QWebEngineNavigationRequest,
    QWebEnginePage,
    QWebEngineSettings,
    qWebEngineChromiumVersion,
    qWebEngineVersion,
)
from PyQt6.QtWidgets import QMainWindow, QMessageBox

from .access import ACCESS_COOKIE
from .keeper import forget_session
from .links import AppPlaces, Destination, destination
from .menus import add_menu_bar, context_menu
from .settings import AutosavedSettings, Theme
from .zoom import ACTUAL_SIZE, zoomed_in, zoomed_out

log = logging.getLogger(__name__)

COOKIES_DELETED_WITHIN_MS = 2000
# Behind the pages, light and dark: the engine's white, and Bootstrap's dark body background.
PAGE_BACKGROUNDS = {False: QColor(Qt.GlobalColor.white), True: QColor("#212529")}
COLOR_SCHEMES = {
    Theme.LIGHT: Qt.ColorScheme.Light,
    Theme.DARK: Qt.ColorScheme.Dark,
}


class NativeWindow:
    """The native parts of ``browser``, pywebview's Qt main window showing the app."""

    def __init__(
        self,
        browser: QMainWindow,
        places: AppPlaces,
        saved: AutosavedSettings,
        about: Callable[[str], str],
        debug: bool = False,
    ):
        self.browser = browser
        self.view = browser.webview
        self.page: QWebEnginePage = self.view.page()
        self.places = places
        self.saved = saved
        self.about_text = about
        self.debug = debug

        self._apply_zoom_and_theme()
        self._follow_palette()
        self._page_shown = False  # the first page gets the scheme asked for above, unreloaded
        self.page.loadFinished.connect(self._page_loaded)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._color_scheme_changed)
        self.page.navigationRequested.connect(self._navigation_requested)
        self.page.settings().setUnknownUrlSchemePolicy(
            QWebEngineSettings.UnknownUrlSchemePolicy.AllowUnknownUrlSchemesFromUserInteraction
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        add_menu_bar(browser.menuBar(), browser, self)

    # File, Edit, View, Go

    @property
    def theme(self) -> Theme:
        return self.saved.settings.theme

    def quit(self) -> None:
        self.browser.close()

    def edit(self, action: str) -> None:
        """One of the page's own editing actions: Cut, Copy, Paste, SelectAll."""
        self.page.triggerAction(QWebEnginePage.WebAction[action])

    def reload(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Reload)

    def zoom_in(self) -> None:
        self._zoom(zoomed_in(self.view.zoomFactor()))

    def zoom_out(self) -> None:
        self._zoom(zoomed_out(self.view.zoomFactor()))

    def actual_size(self) -> None:
        self._zoom(ACTUAL_SIZE)

    def remember_zoom(self) -> None:
        """Keep the zoom as it is (Ctrl and the mouse wheel zoom too, unseen by the menus)."""
        self.saved.change(zoom=round(self.view.zoomFactor(), 2))

    def _zoom(self, factor: float) -> None:
        self.view.setZoomFactor(factor)
        self.saved.change(zoom=factor)

    def choose_theme(self, theme: Theme) -> None:
        self.saved.change(theme=theme)
        self._request_color_scheme(theme)

    def back(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Back)

    def forward(self) -> None:
        self.page.triggerAction(QWebEnginePage.WebAction.Forward)

    def home(self) -> None:
        self.view.load(QUrl(self.places.home_url))

    # Help

    def tour(self) -> None:
        self.view.load(QUrl(self.places.tour_url))

    def open_log_folder(self) -> None:
        folder = self.places.log_folder
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            log.warning("No file manager opened the log folder %s.", folder)

    def about(self) -> None:
        engine = (
            f"PyQt6 {PYQT_VERSION_STR} · Qt {qVersion()} · Qt WebEngine {qWebEngineVersion()} "
            f"(Chromium {qWebEngineChromiumVersion()})"
        )
        QMessageBox.about(self.browser, "About Flasky", self.about_text(engine))

    def reset(self) -> None:
        """Ask, then forget the session (the name and its history), every cookie and the
        window's settings, and start again from the home page."""
        question = QMessageBox(
            QMessageBox.Icon.Warning,
            "Reset Flasky",
            "Forget your name, the names you gave before, and the window's size, zoom and theme?",
            parent=self.browser,
        )
        question.setInformativeText("Flasky starts again as on its first launch.")
        confirm = question.addButton("&Reset", QMessageBox.ButtonRole.DestructiveRole)
        question.setDefaultButton(question.addButton(QMessageBox.StandardButton.Cancel))
        question.exec()
        if question.clickedButton() is not confirm:
            return
        try:
            forget_session(self.places.kept_session)
        except OSError as error:
            log.warning("Cannot forget the kept session %s (%s).", self.places.kept_session, error)
        self.saved.reset()
        defaults = self.saved.settings.window
        self.browser.resize(defaults.width, defaults.height)
        self._apply_zoom_and_theme()
        self._delete_cookies_then(self._start_again)

    def _apply_zoom_and_theme(self) -> None:
        self.view.setZoomFactor(self.saved.settings.zoom)
        self._request_color_scheme(self.saved.settings.theme)

    def _delete_cookies_then(self, then: Callable[[], None]) -> None:
        """Delete every cookie, then call ``then``. The store deletes them on another thread:
        a page loaded at once could be let in, and its new access cookie deleted after."""
        store = self.page.profile().cookieStore()
        waiting = True

        def done() -> None:
            nonlocal waiting
            if waiting:
                waiting = False
                store.cookieRemoved.disconnect(removed)
                then()

        def removed(cookie: QNetworkCookie) -> None:
            if cookie.name().data() == ACCESS_COOKIE.encode():
                done()

        store.cookieRemoved.connect(removed)
        store.deleteAllCookies()
        QTimer.singleShot(COOKIES_DELETED_WITHIN_MS, done)  # had the window no access cookie

    def _start_again(self) -> None:
        self.page.history().clear()
        self.home()
        log.info("Reset: the session, the cookies and the window's settings are forgotten.")

    # The context menu, links, the colour scheme

    def open_in_browser(self, url: QUrl) -> None:
        webbrowser.open(url.toString())

    def inspect(self) -> None:
        self.view.show_inspector()  # pywebview's web inspector window (with --debug only)

    def _show_context_menu(self, position: QPoint) -> None:
        request = self.view.lastContextMenuRequest()
        link = request.linkUrl() if request else QUrl()
        # Only another site's link: the app's own pages open only in its window (the access
        # guard lets no browser in without this launch's token).
        if destination(link.toString(), self.places.home_url) is not Destination.BROWSER:
            link = None
        menu = context_menu(self.view, self, link, self.debug)
        menu.popup(self.view.mapToGlobal(position))

    def _navigation_requested(self, request: QWebEngineNavigationRequest) -> None:
        url = request.url()
        if not request.isMainFrame():
            return
        match destination(url.toString(), self.places.home_url):
            case Destination.WINDOW:
                return
            case Destination.BROWSER:
                log.info("Opening %s in the system's browser.", url.toString())
                webbrowser.open(url.toString())
            case Destination.NOWHERE:
                log.info("Not following a %s: link.", url.scheme())
        request.reject()

    def _request_color_scheme(self, theme: Theme) -> None:
        """Ask Qt for ``theme``'s colour scheme; Qt's web engine gives pages the application's
        scheme as ``prefers-color-scheme``, read when a page loads (see _color_scheme_changed)."""
        hints = QGuiApplication.styleHints()
        if theme is Theme.SYSTEM:
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(COLOR_SCHEMES[theme])

    def _follow_palette(self) -> None:
        """Paint the window in the application's palette, light or dark (pywebview gave the
        main window a white background of its own, which the menu bar would show), and show
        the pages' own background where no page is painted yet."""
        self.browser.setPalette(QPalette())
        # The scheme pages are given (prefers-color-scheme), which the palette may not follow.
        dark = QGuiApplication.styleHints().colorScheme() is Qt.ColorScheme.Dark
        background = PAGE_BACKGROUNDS[dark]
        # Only a change: setting it while the first page loads cost that page 50 ms.
        if self.page.backgroundColor() != background:
            self.page.setBackgroundColor(background)

    def _color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        """The scheme changed (chosen in View → Theme, or the desktop's while on System):
        reload, since a page that is shown keeps the scheme it was loaded with."""
        log.info("Colour scheme: %s.", scheme.name)
        self._follow_palette()
        if self._page_shown:
            self.reload()

    def _page_loaded(self, ok: bool) -> None:
        self._page_shown = self._page_shown or ok
