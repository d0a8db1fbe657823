"""Staff screens: the PIN pad, the staff menu, guided sessions, outcomes, statistics, settings."""
