"""The shell's own screens: home, menu, overlays, staff entry, start-up problems."""
