"""Heavy reads on a PostgreSQL streaming replica (README, Deployment, "Past one machine").

A replica lags the primary by up to a second or so, so nothing is read there by default:
only the reads inside `reads_from_replica()` (the exports and the consolidated report's
figures, read-only code paths) go to the `replica` alias, and only when settings define it
(DATABASE_REPLICA_URL). Every write, every read outside the scope and every read inside an
atomic block on the primary (it may follow a write of the same transaction) go to the
primary, `default`. A replica that does not answer leaves the scope's reads on the
primary: an export is slower there, never refused.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
logger = logging.getLogger(__name__)


@dataclass
class _Scope:
    answers: bool | None = None  # whether the replica took a connection; None: not tried


# A context variable, not a global: each request (thread or task) has its own scope.
_scope: ContextVar[_Scope | None] = ContextVar("reads_from_replica", default=None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads within go to the replica when there is one. A context manager, or a decorator
    (`@reads_from_replica()`) of a view that only reads."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def _replica_answers() -> bool:
    """Whether the replica takes a connection (one already open counts)."""
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        logger.warning("The replica does not answer; reading the primary instead: %s", exc)
        return False
    return True


def read_alias() -> str:
    """Where a read goes now (the router asks: without a replica, no one does)."""
    scope = _scope.get()
    if scope is None or REPLICA not in connections or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if scope.answers is None:  # tried once a scope
        scope.answers = _replica_answers()
    return REPLICA if scope.answers else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Settings list it in DATABASE_ROUTERS only when the `replica` alias exists."""

    def db_for_read(self, model, **hints) -> str:
        # Said outright outside the scope too: left to Django, a related object's read would
        # follow its instance's database, the replica, after the scope ended.
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica replays the primary's schema
