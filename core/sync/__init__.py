"""Sync with the company's central PostgreSQL: an outbox of changed rows on the device, a change sequence on the
central side, conflicts kept and resolved by people, live updates over LISTEN/NOTIFY."""
