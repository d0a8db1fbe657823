"""Self-filing rate and the other figures of the session log, and their exports."""
