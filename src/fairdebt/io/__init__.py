"""Reading logs: canonical CSV / JSON Lines, files, gzip and stdin."""

from .normalize import RowError, to_event
from .sources import SourceError, read_events

__all__ = ["RowError", "SourceError", "read_events", "to_event"]
