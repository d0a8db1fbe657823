"""The commune self-filing kiosk."""

__version__ = "0.1.0"
