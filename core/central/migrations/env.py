"""Alembic environment of the central database: runs on the connection Qayd hands it (never a URL from a file)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table="alembic_version",
                  version_table_schema="qayd")
with context.begin_transaction():
    context.run_migrations()
