"""The shell's own screens: home, menu, placeholders, staff entry, start-up problems."""
