"""Read-only web view of the archive (`defwatch serve`): pages and a JSON API."""

from monitor.web.app import create_app

__all__ = ["create_app"]
