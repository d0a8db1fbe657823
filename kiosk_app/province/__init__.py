"""The province's server: receives the kiosks' anonymous session records into PostgreSQL."""
