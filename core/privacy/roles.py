"""The old path of `core.personal.roles`, which moved below the invoicing core (docs/DECISIONS.md, issue 14)."""

from core.personal.roles import (
    CUSTOMER_COLUMNS,
    PRIVILEGED_ROLES,
    RESTRICTED,
    ROLES,
    RoleChange,
    customer_fields_read,
    customer_subject,
    masked,
    require_customer,
    require_privileged,
    require_role,
    require_visible,
    screen,
    screen_customer,
    sees_restricted,
    set_role,
)

__all__ = [
    "CUSTOMER_COLUMNS",
    "PRIVILEGED_ROLES",
    "RESTRICTED",
    "ROLES",
    "RoleChange",
    "customer_fields_read",
    "customer_subject",
    "masked",
    "require_customer",
    "require_privileged",
    "require_role",
    "require_visible",
    "screen",
    "screen_customer",
    "sees_restricted",
    "set_role",
]
