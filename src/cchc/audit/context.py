from contextvars import ContextVar

# Per request, not per process: a context variable is safe under threads and async.
client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
