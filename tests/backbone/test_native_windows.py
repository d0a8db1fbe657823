"""Touches reach the kiosk window's own QWindow, where the idle watch and the staff entry
listen, even after a native child window (the guide's video surface) was made."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def test_a_native_video_surface_leaves_the_other_screens_alien(make_kiosk, qtbot):
    kiosk = make_kiosk(start_screen="menu")
    surface = QWidget(kiosk.nav.screen("guides"))
    surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
    surface.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
    surface.winId()  # what libvlc's set_xwindow needs
    assert surface.internalWinId()
    # A native menu would get the touches in a QWindow of its own, past the kiosk's filters.
    assert not kiosk.front.menu.internalWinId()
    assert kiosk.front.menu.window().windowHandle() is kiosk.window.windowHandle()
