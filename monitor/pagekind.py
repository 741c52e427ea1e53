"""Is a cleaned page a news article, or a section, index or static page?

Sitemaps and listings also lead to pages that are not stories (section fronts, "about us",
the home page). They are recorded as skipped, not archived as articles.
"""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import courlan

if TYPE_CHECKING:
    from monitor.clean import CleanResult

# Short pages whose lines are this short are menus and link lists, not prose.
_MIN_PROSE_LINE = 60
_SHORT_PAGE_CHARS = 1500


def not_article_reason(result: CleanResult, url: str | None) -> str | None:
    """None when the page reads as an article, else the one-line reason it does not."""
    if (result.pagetype or "").lower() == "article":
        return None
    if url and courlan.is_navigation_page(url):
        return "not an article: navigation page"
    if url and urlsplit(url).path.strip("/") == "":
        return "not an article: site front page"
    lines = [ln.strip() for ln in result.text.splitlines() if ln.strip()]
    if not lines:
        return "not an article: no text"
    if len(result.text) < _SHORT_PAGE_CHARS and median(len(ln) for ln in lines) < _MIN_PROSE_LINE:
        return "not an article: menu or index text"
    return None
