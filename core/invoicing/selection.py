"""Which customers and products a list selects: one query shape for the page and for the count beside it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select

from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork


def customer_selection(uow: UnitOfWork, query: Select[Any], search: str) -> Select[Any]:
    """Customers not deleted, matching `search` in either name or the VAT number; for a clerk, a search leaves out
    restricted customers (finding them by name would tell who is restricted)."""
    query = query.where(m.Customer.deleted_at.is_(None))
    if search:
        like = f"%{search}%"
        query = query.where(or_(m.Customer.name.like(like), m.Customer.name_ar.like(like),
                                m.Customer.vat_number.like(like)))
        if not roles.sees_restricted(uow.ctx.actor_role):
            query = query.where(m.Customer.restricted_at.is_(None))
    return query


def count_customers(uow: UnitOfWork, *, search: str = "") -> int:
    """How many customers `service.list_customers` selects (no row is read: nothing for the access log)."""
    return int(uow.session.scalar(customer_selection(uow, select(func.count(m.Customer.id)), search)) or 0)


def product_selection(query: Select[Any], search: str) -> Select[Any]:
    query = query.where(m.Product.deleted_at.is_(None))
    return query.where(or_(m.Product.name.like(f"%{search}%"), m.Product.sku == search)) if search else query


def count_products(uow: UnitOfWork, *, search: str = "") -> int:
    """How many products `service.list_products` selects."""
    return int(uow.session.scalar(product_selection(select(func.count(m.Product.id)), search)) or 0)
