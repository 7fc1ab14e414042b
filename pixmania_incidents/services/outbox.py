"""What the e-mail and the webhook outboxes share: a row written with the change it tells
about, claimed by one sender at a time under a lease, and marked in a commit of its own.

Why one place: both must send each row once while several workers run the same loop, and
survive a worker that dies mid-send (its lease ends, another sender takes the row). A claim
is one UPDATE that chooses and leases the row (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the
single writer lock on SQLite); the outcome is recorded only by the sender still holding it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from pixmania_incidents.db import session_scope
from pixmania_incidents.services.common import now

Row = TypeVar("Row")


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


def claim(engine: Engine, model: type[Row], owner: str, lease: timedelta, where: Sequence[Any] = ()) -> Row | None:
    """Lease the next due pending row of `model` (and `where`) to `owner` and commit, so no
    other sender takes it; None when nothing is due."""
    at, table = now(), sa.inspect(model).local_table.c  # any outbox table: its columns by name
    with session_scope(engine) as session:
        due = (
            select(table.id)
            .where(
                table.status == "pending",
                table.next_attempt_at <= at,
                sa.or_(table.lease_until.is_(None), table.lease_until < at),
                *where,
            )
            .order_by(table.next_attempt_at, table.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = (
            session.connection()
            .execute(
                sa.update(model)
                .where(table.id.in_(due.scalar_subquery()))
                .values(lease_owner=owner, lease_until=at + lease, attempts=table.attempts + 1)
                .returning(table.id)
            )
            .scalar_one_or_none()
        )
        return session.get(model, claimed) if claimed is not None else None


def finish(session: Any, model: Any, row_id: int, owner: str, **values: object) -> bool:
    """Record the outcome of a claimed row in the caller's unit of work, only if `owner`
    still holds its lease; whether it did."""
    return (
        session.connection()
        .execute(
            sa.update(model)
            .where(model.id == row_id, model.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, **values)
        )
        .rowcount
        == 1
    )


def backoff(attempts: int, first: timedelta, cap: timedelta) -> timedelta:
    """`first`, doubled at each attempt after the first, never more than `cap`."""
    return min(first * 2 ** min(max(attempts - 1, 0), 20), cap)
