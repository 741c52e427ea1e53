"""Cheap candidate test: both countries (or their places, bodies, people) must be mentioned."""

from __future__ import annotations

import re

from monitor.extract.gazetteer import PAIR, Gazetteer, is_case_sensitive


def _alternation(terms: list[str]) -> str:
    # Longest first so that the regex engine prefers "Pakistan Navy" over "Pakistan".
    unique = sorted(set(terms), key=len, reverse=True)
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in unique)
    return rf"(?<![\w-])(?:{body})(?![\w-])" if unique else r"(?!x)x"


class Prefilter:
    """One compiled regex per country (any case) plus one for acronyms (capitals only)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._patterns: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
        for code in PAIR:
            terms = gazetteer.terms_for(code)
            exact = [t for t in terms if is_case_sensitive(t)]
            loose = [t for t in terms if not is_case_sensitive(t)]
            self._patterns[code] = (re.compile(_alternation(loose), re.IGNORECASE),
                                    re.compile(_alternation(exact)))

    def mentions(self, text: str, code: str) -> bool:
        loose, exact = self._patterns[code]
        return bool(loose.search(text) or exact.search(text))

    def is_candidate(self, text: str) -> bool:
        """True when the text mentions both Iran and Pakistan in some form."""
        return all(self.mentions(text, code) for code in PAIR)

    def mentions_any(self, text: str) -> bool:
        return any(self.mentions(text, code) for code in PAIR)
