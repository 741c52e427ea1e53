"""PostgreSQL search: a GIN index of word pairs, so a phrase of common words is found fast.

The GIN index on ``search_tsv`` holds no positions: for ``"a b"`` it yields every article that
has both words and each one is rechecked on the heap (a TOAST read per row). When both words
are common that is tens of thousands of rechecks for a phrase found in a few dozen articles.
``search_bigrams(search_tsv)`` is the set of adjacent word pairs of an article, taken from the
positions already in ``search_tsv``, each pair hashed to one of 2**20 buckets (a 5-hex-digit
lexeme: a fixed, small key space keeps the index a fraction of the size of one keyed by the
pairs themselves). A GIN expression index on it narrows a phrase query to the articles holding
all of its pairs' buckets before the exact phrase check on the heap.

``search_phrase_bigrams(term)`` derives the buckets of a typed phrase with the same parser and
the same function, so the buckets of a phrase present in an article are always among that
article's: the index is a superset filter (a hash collision only costs a recheck) and never
changes a result. Pairs are only formed from positions, so they follow tsvector's limits the
same way on both sides (positions cap at 16,383, 256 per word).

SQLite: nothing (FTS5 stores positions and checks phrases in the index).

Revision ID: 0310
Revises: 0300
"""

from __future__ import annotations

from alembic import op

revision: str = "0310"
down_revision: str | None = "0300"
branch_labels: str | None = None
depends_on: str | None = None

_BIGRAMS = """
CREATE FUNCTION search_bigrams(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT left(md5(l.lexeme || ' ' || r.lexeme), 5))),
                  ''::tsvector)
  FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS l
  JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS r ON r.pos = l.pos + 1
$$"""

# NULL when the phrase has no pair (a single word): no pair filter then. The lexemes are hex
# digits, so the tsquery text built from them holds no operator whatever was typed.
_PHRASE_BIGRAMS = """
CREATE FUNCTION search_phrase_bigrams(term text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg(lexeme, ' & ')::tsquery
  FROM unnest(search_bigrams(to_tsvector('simple'::regconfig, term)))
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_BIGRAMS)
    op.execute(_PHRASE_BIGRAMS)
    op.execute("CREATE INDEX ix_article_search_bigrams ON article "
               "USING gin (search_bigrams(search_tsv))")
    # Statistics of the new index expression, so the planner sees how selective pairs are.
    op.execute("ANALYZE article")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search_bigrams")
    op.execute("DROP FUNCTION IF EXISTS search_phrase_bigrams(text)")
    op.execute("DROP FUNCTION IF EXISTS search_bigrams(tsvector)")
