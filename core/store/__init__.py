"""The local store: SQLAlchemy mapped classes, migrations and the SQLite engine of one company."""
