"""The embedded portal: pure allow/deny rules, the per-session profile, the page and the screen."""
