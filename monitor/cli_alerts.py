"""Commands registered on the defwatch Typer app (filled in by their owners)."""

from __future__ import annotations
