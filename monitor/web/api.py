"""The JSON API: the CLI's queries over HTTP, read-only, with a hand-written OpenAPI document.

Errors are JSON ``{"error": "<one line>"}``: 400 for bad parameters, 404 for unknown ids.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from monitor.errors import UsageError
from monitor.query.events import check_event_filters, list_events
from monitor.query.search import mark_snippet, search
from monitor.query.show import article_detail, event_detail, parse_ref

logger = logging.getLogger(__name__)

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def flag(value: str | None, name: str) -> bool:
    low = (value or "").strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise UsageError(f"{name}: {value[:20]!r} is not true or false")


def search_params(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {"since": q.get("since"), "until": q.get("until"), "source": q.get("source"),
            "lang": q.get("lang"), "matches_only": flag(q.get("matches_only"), "matches_only"),
            "limit": q.get("limit"), "offset": q.get("offset")}


def event_filters(request: Request) -> Any:
    q = request.query_params
    return check_event_filters(
        since=q.get("since"), until=q.get("until"), direction=q.get("direction"),
        kind=q.get("kind"), official=q.get("official"), location=q.get("location"),
        status=q.get("status"), limit=q.get("limit"), offset=q.get("offset"),
        gazetteer_dir=request.app.state.gazetteer_dir)


def api_search(request: Request) -> JSONResponse:
    text = request.query_params.get("q", "")
    result = search(request.app.state.archive, text, **search_params(request))
    rows = [{**r, "snippet": mark_snippet(r["snippet"])} for r in result.rows]
    return JSONResponse({"query": text, "count": len(rows), "hint": result.hint, "results": rows})


def api_events(request: Request) -> JSONResponse:
    events = list_events(request.app.state.archive, event_filters(request))
    return JSONResponse({"count": len(events), "events": events})


def api_event(request: Request) -> JSONResponse:
    _, number = parse_ref(request.path_params["event_id"], "event")
    with request.app.state.archive.read() as session:
        return JSONResponse(event_detail(session, number))


def api_article(request: Request) -> JSONResponse:
    _, number = parse_ref(request.path_params["article_id"], "article")
    with request.app.state.archive.read() as session:
        return JSONResponse(article_detail(session, number))


def api_openapi(request: Request) -> JSONResponse:
    return JSONResponse(OPENAPI)


ROUTES = [
    Route("/api/search", api_search, methods=["GET"]),
    Route("/api/events", api_events, methods=["GET"]),
    Route("/api/events/{event_id}", api_event, methods=["GET"]),
    Route("/api/articles/{article_id}", api_article, methods=["GET"]),
    Route("/api/openapi.json", api_openapi, methods=["GET"]),
]


def _param(name: str, description: str, schema: dict[str, Any] | None = None,
           where: str = "query", required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


_DAY = {"type": "string", "format": "date"}
_LIMIT = _param("limit", "At most this many rows.", {"type": "integer", "minimum": 1,
                                                     "maximum": 1000})
_OFFSET = _param("offset", "Skip this many rows.", {"type": "integer", "minimum": 0,
                                                    "maximum": 100000})
_ERRORS = {"400": {"$ref": "#/components/responses/Error"},
           "404": {"$ref": "#/components/responses/Error"}}
_OFFICIAL = {"type": "object", "properties": {k: {"type": ["string", "null"]}
                                              for k in ("name", "title", "country")}}
_EVENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "visitor_country": {"type": ["string", "null"]},
    "host_country": {"type": ["string", "null"]}, "kind": {"type": ["string", "null"]},
    "officials": {"type": "array", "items": _OFFICIAL},
    "location": {"type": ["string", "null"]}, "event_date": {"type": ["string", "null"]},
    "first_seen": {"type": "string"}, "reports": {"type": "integer"},
    "articles": {"type": "array", "items": {"type": "object", "properties": {
        k: {"type": ["string", "null"]} for k in ("url", "title", "source")}}},
    "confidence": {"type": "number"}, "status": {"enum": ["active", "false_positive"]},
    "note": {"type": ["string", "null"]}}}
_HIT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "url": {"type": "string"}, "title": {"type": ["string", "null"]},
    "source": {"type": "string"}, "published": {"type": ["string", "null"]},
    "score": {"type": "number"},
    "snippet": {"type": "string", "description": "Plain text; hits wrapped in **…**."}}}


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            **_ERRORS}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "defwatch archive API", "version": "1",
             "description": "Read-only queries of the defwatch archive (mirrors the CLI)."},
    "paths": {
        "/api/search": {"get": {
            "summary": "Full-text search, best matches first",
            "parameters": [
                _param("q", 'Words (all must appear), "exact phrase", -word, a OR b.'),
                _param("since", "Published on or after.", _DAY),
                _param("until", "Published on or before.", _DAY),
                _param("source", "A known source name."), _param("lang", "Language code."),
                _param("matches_only", "Only flagged articles.", {"type": "boolean"}),
                _LIMIT, _OFFSET],
            "responses": _ok({"type": "object", "properties": {
                "query": {"type": "string"}, "count": {"type": "integer"},
                "hint": {"type": ["string", "null"]},
                "results": {"type": "array", "items": _HIT}}})}},
        "/api/events": {"get": {
            "summary": "Visits, newest first",
            "parameters": [
                _param("since", "Event date on or after.", _DAY),
                _param("until", "Event date on or before.", _DAY),
                _param("direction", "Visitor-host.", {"enum": ["PK-IR", "IR-PK"]}),
                _param("kind", "Kind of visit.", {"enum": ["visit", "hosting", "delegation",
                                                          "port_call"]}),
                _param("official", "Name or alias."), _param("location", "City or place."),
                _param("status", "Analyst status.", {"enum": ["active", "false_positive"]}),
                _LIMIT, _OFFSET],
            "responses": _ok({"type": "object", "properties": {
                "count": {"type": "integer"}, "events": {"type": "array", "items": _EVENT}}})}},
        "/api/events/{event_id}": {"get": {
            "summary": "One event with every report, evidence, analyst marks and alerts",
            "parameters": [_param("event_id", "Event id.", {"type": "integer"}, "path", True)],
            "responses": _ok(_EVENT)}},
        "/api/articles/{article_id}": {"get": {
            "summary": "One article: text, metadata, match and event",
            "parameters": [_param("article_id", "Article id.", {"type": "integer"}, "path",
                                  True)],
            "responses": _ok({"type": "object"})}},
    },
    "components": {"responses": {"Error": {
        "description": "Bad parameter (400) or unknown id (404)",
        "content": {"application/json": {"schema": {
            "type": "object", "properties": {"error": {"type": "string"}},
            "required": ["error"]}}}}}},
}
