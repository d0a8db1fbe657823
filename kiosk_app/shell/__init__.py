"""The fullscreen window the resident cannot leave: screens, navigation, lockdown, theme."""
