"""Load and validate the analyst-editable gazetteers (monitor/gazetteers/*.yaml)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "gazetteers"
PAIR = ("IR", "PK")
FILES = ("countries", "places", "institutions", "ships", "titles", "officials", "predicates")
PREDICATE_ROLES = ("movement", "port", "hosting", "hosted", "call_on", "meeting", "visiting")
CUE_NAMES = ("remote", "cancelled", "retrospective", "invitation", "sidelines", "speculative",
             "pastime")
# Cues added after analysts may have copied the gazetteers: a copy without them still loads.
OPTIONAL_CUES = ("pastime",)
_NEVER = re.compile(r"(?!x)x")
VOCAB_NAMES = ("military", "ships", "groups", "diplomatic", "civilians", "party", "not_rank",
               "abstract")


class GazetteerError(ValueError):
    """A gazetteer file is missing or malformed; the message is one line naming file and key."""


@dataclass(frozen=True)
class Entry:
    """Something a text can mention: a country, place, institution or official."""

    key: str
    kind: str  # country | demonym | place | institution | ship | official | third
    name: str
    country: str | None  # IR, PK, or None for third countries
    military: bool = False
    title: str | None = None
    location: str | None = None
    ships: bool = False
    terms: tuple[str, ...] = ()
    place_kind: str = ""  # city | port | province | base | headquarters | airport | crossing


@dataclass(frozen=True)
class Title:
    title: str
    military: bool
    diplomat: bool
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    directory: Path
    entries: dict[str, Entry]
    titles: tuple[Title, ...]
    predicates: dict[str, re.Pattern[str]]
    cues: dict[str, re.Pattern[str]]
    vocabulary: dict[str, re.Pattern[str]] = field(default_factory=dict)
    places_by_name: dict[str, Entry] = field(default_factory=dict)

    def terms_for(self, country: str) -> list[str]:
        """Every surface form pointing to `country` (for the pre-filter)."""
        return [t for e in self.entries.values() if e.country == country for t in e.terms]


def _fail(path: Path, key: str, msg: str) -> GazetteerError:
    return GazetteerError(f"{path.name}: {key}: {msg}")


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise GazetteerError(f"{path}: gazetteer file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise GazetteerError(f"{path.name}: {where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise GazetteerError(f"{path.name}: top level must be a mapping")
    return data


def _list(path: Path, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        raise _fail(path, key, "must be a list")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _fail(path, f"{key}[{i}]", "must be a mapping")
    return items


def _str(path: Path, where: str, item: dict[str, Any], key: str, required: bool = True) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where}.{key}", "must be a non-empty string")
    return value.strip()


def _strs(path: Path, where: str, item: dict[str, Any], key: str) -> list[str]:
    value = item.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, f"{where}.{key}", "must be a list of non-empty strings")
    return [v.strip() for v in value]


def _bool(path: Path, where: str, item: dict[str, Any], key: str, default: bool | None) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise _fail(path, f"{where}.{key}", "must be true or false")
    return value


def _country(path: Path, where: str, item: dict[str, Any], key: str = "country") -> str:
    value = item.get(key)
    if value not in PAIR:
        raise _fail(path, f"{where}.{key}", f"must be IR or PK, got {value!r}")
    return str(value)


def _load_countries(path: Path, out: dict[str, Entry]) -> None:
    data = _read(path)
    for i, item in enumerate(_list(path, data, "pair")):
        where = f"pair[{i}]"
        code = _country(path, where, item, "code")
        names = _strs(path, where, item, "names")
        if not names:
            raise _fail(path, f"{where}.names", "must list at least one name")
        out[f"country:{code}"] = Entry(f"country:{code}", "country", names[0], code, terms=tuple(names))
        demonyms = _strs(path, where, item, "demonyms")
        out[f"demonym:{code}"] = Entry(f"demonym:{code}", "demonym", demonyms[0] if demonyms else code,
                                       code, terms=tuple(demonyms))
    for i, item in enumerate(_list(path, data, "third")):
        where = f"third[{i}]"
        names = _strs(path, where, item, "names")
        terms = names + _strs(path, where, item, "demonyms") + _strs(path, where, item, "cities")
        if not names:
            raise _fail(path, f"{where}.names", "must list at least one name")
        out[f"third:{i}"] = Entry(f"third:{i}", "third", names[0], None, terms=tuple(terms))


def _load_places(path: Path, out: dict[str, Entry]) -> None:
    kinds = {"city", "port", "province", "base", "headquarters", "airport", "crossing", "venue"}
    for i, item in enumerate(_list(path, _read(path), "places")):
        where = f"places[{i}]"
        name = _str(path, where, item, "name")
        kind = _str(path, where, item, "kind")
        if kind not in kinds:
            raise _fail(path, f"{where}.kind", f"must be one of {sorted(kinds)}, got {kind!r}")
        default_loc = name if kind in {"city", "port", "base", "crossing"} else ""
        location = _str(path, where, item, "location", required=False) or default_loc
        out[f"place:{name}"] = Entry(
            f"place:{name}", "place", name, _country(path, where, item), military=kind in
            {"base", "headquarters"}, location=location or None,
            terms=(name, *_strs(path, where, item, "aliases")), place_kind=kind)


def _load_named(path: Path, out: dict[str, Entry], section: str, kind: str,
                extra: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
    """Entries with a name, a country, aliases and kind-specific keys (from `extra`)."""
    for i, item in enumerate(_list(path, _read(path), section)):
        where = f"{section}[{i}]"
        name = _str(path, where, item, "name")
        key = f"{kind}:{name}"
        out[key] = Entry(key, kind, name, _country(path, where, item),
                         terms=tuple(dict.fromkeys([name, *_strs(path, where, item, "aliases")])),
                         **extra(where, item))


def _load_institutions(path: Path, out: dict[str, Entry]) -> None:
    _load_named(path, out, "institutions", "institution", lambda where, item: {
        "military": _bool(path, where, item, "military", None),
        "ships": _bool(path, where, item, "ships", False)})


def _load_ships(path: Path, out: dict[str, Entry]) -> None:
    _load_named(path, out, "ships", "ship", lambda where, item: {"military": True, "ships": True})


def _load_officials(path: Path, out: dict[str, Entry]) -> None:
    _load_named(path, out, "officials", "official", lambda where, item: {
        "military": _bool(path, where, item, "military", None),
        "title": _str(path, where, item, "title")})


def _load_titles(path: Path) -> tuple[Title, ...]:
    titles = []
    for i, item in enumerate(_list(path, _read(path), "titles")):
        where = f"titles[{i}]"
        title = _str(path, where, item, "title")
        titles.append(Title(title, _bool(path, where, item, "military", None),
                            _bool(path, where, item, "diplomat", False),
                            (title, *_strs(path, where, item, "aliases"))))
    return tuple(titles)


def _compile(path: Path, where: str, patterns: Any) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise _fail(path, where, "must be a non-empty list of regular expressions")
    for j, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(path, f"{where}[{j}]", f"bad regular expression: {exc}") from None
    # Longest alternatives first so that "arrived in" wins over "in".
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in ordered) + r")(?![\w-])",
                      re.IGNORECASE)


def _sections(path: Path, data: dict[str, Any], key: str, names: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> dict[str, re.Pattern[str]]:
    section = data.get(key)
    if not isinstance(section, dict):
        raise _fail(path, key, "must be a mapping of name to patterns")
    for name in names:
        if name not in section and name not in optional:
            raise _fail(path, f"{key}.{name}", "missing")
    unknown = sorted(set(section) - set(names))
    if unknown:
        raise _fail(path, f"{key}.{unknown[0]}", "unknown key")
    return {n: _compile(path, f"{key}.{n}", section[n]) if n in section else _NEVER
            for n in names}


def _load_predicates(path: Path) -> tuple[dict[str, re.Pattern[str]], ...]:
    data = _read(path)
    return (_sections(path, data, "visit_predicates", PREDICATE_ROLES),
            _sections(path, data, "cues", CUE_NAMES, OPTIONAL_CUES),
            _sections(path, data, "vocabulary", VOCAB_NAMES))


def load_gazetteer(directory: str | Path | None = None) -> Gazetteer:
    """Load and validate every gazetteer file in `directory` (default: the packaged copy).

    Raises:
        GazetteerError: a file is missing or a key is malformed (one line: file and key).
    """
    base = Path(directory) if directory is not None else DEFAULT_DIR
    if not base.is_dir():
        raise GazetteerError(f"{base}: gazetteer directory not found")
    entries: dict[str, Entry] = {}
    _load_countries(base / "countries.yaml", entries)
    _load_places(base / "places.yaml", entries)
    _load_institutions(base / "institutions.yaml", entries)
    _load_ships(base / "ships.yaml", entries)
    _load_officials(base / "officials.yaml", entries)
    titles = _load_titles(base / "titles.yaml")
    predicates, cues, vocabulary = _load_predicates(base / "predicates.yaml")
    by_name = {t.lower(): e for e in entries.values() if e.kind == "place" for t in e.terms}
    logger.debug("loaded %d gazetteer entries from %s", len(entries), base)
    return Gazetteer(base, entries, titles, predicates, cues, vocabulary, by_name)


def is_case_sensitive(term: str) -> bool:
    """Acronyms (PN, FC, US) only match in capitals; everything else in any case."""
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5
