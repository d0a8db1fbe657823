"""Resident sessions: lifecycle, idle countdown, and the wipe that ends every session."""
