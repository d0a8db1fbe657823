"""Staff screens (menus, guided sessions, statistics) and the resident's end-of-session questions."""
