"""SQLite storage: the schema, its migrations, and the only code that writes the database."""
