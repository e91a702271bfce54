"""All SQL lives here (sqlite-utils on a real SQLite file)."""
