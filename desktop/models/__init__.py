"""Qt item models over core queries (lazy, paged): no business rules, only fetching and display."""
