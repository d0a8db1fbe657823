"""Officer and administrator tools: PINs, staff screens and the kiosk-admin command line."""
