"""Log records the server writes about requests."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused request (403) is expected traffic, not a fault: keep its one line and drop
    the traceback Django attaches, so a probing user cannot flood the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
