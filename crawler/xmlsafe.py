"""Hardened XML handling shared by the feed and sitemap spiders.

Feeds and sitemaps come from the internet, so no DTD is ever loaded, no entity is ever
expanded and nothing is fetched from the network or disk while parsing.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["safe_xml_parser", "strip_doctype"]

# A DOCTYPE with an optional internal subset ([...]), which is where entity declarations live.
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*)(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_STRAY_ENTITY = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
# Only the prolog can hold a DOCTYPE; bounding the search keeps huge bodies cheap.
_PROLOG_BYTES = 64 * 1024


def strip_doctype(body: bytes) -> tuple[bytes, bool]:
    """Remove the DOCTYPE (and its internal subset) from an XML document's prolog.

    Returns the new body and whether entity declarations were present (a sign of an XXE or
    billion-laughs attempt; legit feeds do not declare entities).
    """
    head = body[:_PROLOG_BYTES]
    declared = bool(_ENTITY_DECL.search(head))
    if not declared and b"<!doctype" not in head.lower():
        return body, False
    head = _DOCTYPE.sub(b"", head, count=1)
    # Declarations outside a well-formed DOCTYPE are removed too, so no parser sees them.
    head = _STRAY_ENTITY.sub(b"", head)
    return head + body[_PROLOG_BYTES:], declared


def safe_xml_parser() -> etree.XMLParser:
    """lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
