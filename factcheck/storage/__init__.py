"""The workspace database (SQLite) and its schema migrations."""
