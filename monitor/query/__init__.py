"""Querying the archive: search, events, show, export and analyst feedback (CLI and web).

Each function takes an open `monitor.archive.Archive` and raw user values, checks them
(`UsageError`, one line, on bad input) and returns plain dicts, so `monitor.cli_query` and
`monitor.web` render the same data.
"""

from monitor.query.events import EVENT_FIELDS, check_event_filters, list_events
from monitor.query.export import export
from monitor.query.feedback import mark_event, merge_events, split_event
from monitor.query.search import SEARCH_FIELDS, SearchResult, search
from monitor.query.show import show

__all__ = [
    "EVENT_FIELDS",
    "SEARCH_FIELDS",
    "SearchResult",
    "check_event_filters",
    "export",
    "list_events",
    "mark_event",
    "merge_events",
    "search",
    "show",
    "split_event",
]
