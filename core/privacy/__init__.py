"""Privacy (GDPR): the personal-data catalogue, the access log, data-subject requests, access exports and erasure."""
