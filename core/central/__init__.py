"""The company's central PostgreSQL: its schema (roles, row-level security, append-only audit tables, the change
log and the functions installs call), the connection, and its administration."""
