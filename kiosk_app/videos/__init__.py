"""Guide videos: the library (manifest, steps), the player behind a protocol, the guide screens."""
