"""Scanning at the kiosk: protocol, SANE backend, scan process, pages and PDF output."""
