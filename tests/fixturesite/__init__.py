"""Bundled fixture news site served on 127.0.0.1 for tests and `make demo` (see server.py)."""
