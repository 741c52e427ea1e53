"""HTML pages: search, visit timeline, event, article (archived copy sandboxed), raw copy."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from monitor.archive.models import Source
from monitor.errors import ArchiveError, UsageError
from monitor.query.events import list_events, month_counts
from monitor.query.search import search, snippet_parts
from monitor.query.show import article_detail, event_detail, parse_ref
from monitor.web.api import event_filters, search_params
from monitor.web.chart import build_chart

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# An archived page larger than this is shown as text only (srcdoc is inlined in the page).
MAX_SRCDOC_CHARS = 2_000_000
_FILTER_KEYS = ("since", "until", "direction", "kind", "official", "location", "status")

# autoescape=True for every template whatever its file name (select_autoescape decides by
# extension, which is how changedetection.io shipped unescaped .jinja templates).
environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True)
environment.filters["snippet_parts"] = snippet_parts
templates = Jinja2Templates(env=environment)


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _sources(request: Request) -> list[str]:
    with request.app.state.archive.read() as session:
        return list(session.exec(select(Source.name).order_by(col(Source.name))).all())


def search_page(request: Request) -> Response:
    q = request.query_params.get("q", "")
    form = {k: request.query_params.get(k, "") for k in ("since", "until", "source", "lang",
                                                          "matches_only", "limit")}
    result = None
    if "q" in request.query_params:
        result = search(request.app.state.archive, q, **search_params(request))
    return render(request, "search.html", q=q, form=form, result=result,
                  sources=_sources(request))


def events_page(request: Request) -> Response:
    filters = event_filters(request)
    archive = request.app.state.archive
    form = {k: request.query_params.get(k, "") for k in (*_FILTER_KEYS, "limit")}
    return render(request, "events.html", events=list_events(archive, filters), form=form,
                  chart=build_chart(month_counts(archive, filters)))


def event_page(request: Request) -> Response:
    _, number = parse_ref(request.path_params["event_id"], "event")
    with request.app.state.archive.read() as session:
        detail = event_detail(session, number)
    return render(request, "event.html", event=detail)


def article_page(request: Request) -> Response:
    _, number = parse_ref(request.path_params["article_id"], "article")
    archive = request.app.state.archive
    with archive.read() as session:
        detail = article_detail(session, number)
    html = None
    if detail["has_html"]:
        try:
            html = archive.get_article_html(number)
        except ArchiveError:
            html = None
    too_big = html is not None and len(html) > MAX_SRCDOC_CHARS
    return render(request, "article.html", article=detail,
                  srcdoc=None if too_big else html, too_big=too_big)


def raw_page(request: Request) -> Response:
    """The archived HTML as text/plain: readable, never rendered or run."""
    _, number = parse_ref(request.path_params["article_id"], "article")
    with request.app.state.archive.read() as session:
        article_detail(session, number)  # 404 for unknown ids
    try:
        html = request.app.state.archive.get_article_html(number)
    except ArchiveError:
        raise UsageError(f"article {number} has no archived HTML") from None
    return PlainTextResponse(html, headers={"Content-Security-Policy": "sandbox; default-src 'none'"})


ROUTES = [
    Route("/", search_page, methods=["GET"]),
    Route("/events", events_page, methods=["GET"]),
    Route("/events/{event_id}", event_page, methods=["GET"]),
    Route("/articles/{article_id}", article_page, methods=["GET"]),
    Route("/articles/{article_id}/raw", raw_page, methods=["GET"]),
]
