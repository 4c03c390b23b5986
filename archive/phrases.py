"""Two-word phrases answered from an index of adjacent word pairs.

A phrase ("county jail") needs word positions, and only the stored search vector holds them:
the full-text index finds every article holding both words, and each one's vector (several
kilobytes, stored out of line) is read to check that the words stand side by side. For two
common words that is half the archive, read on every count and every facet.

So every article also keeps the pairs of adjacent words in its search vector
(``word_pairs``, with its own index; migration 0012), each pair ("counti jail") as a 64-bit
hash of its text (PostgreSQL's ``hashtextextended``, migration 0029): the index of hashes
builds in three quarters of the time an index of the pairs' text took, and holds 300 pairs an
article. Pairs are taken from the very vector a phrase is matched against, so
``'counti' <-> 'jail'`` holds for an article exactly when its pairs hold the hash of "counti
jail" — short of another pair of the same article with the same hash, a chance of about one
in 10^16 an article. A search is rewritten before it reaches the database:

- a two-word phrase that the query requires (not under "or", not excluded) becomes one pair
  looked up in the pairs index, nothing rechecked;
- a longer phrase keeps its positional match, and its pairs are required as well, so only the
  articles holding every pair have their vectors read;
- anything else (a phrase under "or" or excluded, a stop word inside a phrase) is left as it
  was.

The query as PostgreSQL parsed it (``websearch_to_tsquery``) is read back as text and parsed
here; a form this parser does not know leaves the search as it was, never wrong.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, F, Func, Q, Value
from django.db.models.functions import Cast

from archive.search import SEARCH_CONFIG, build_query, normalize_query_text


class WordPairs(Func):
    """The pairs of adjacent words of a search vector as a vector of their own (SQL function
    of migration 0012), as the pairs were kept until migration 0029; its migrations use it."""

    function = "archive_word_pairs"
    output_field = SearchVectorField()


class WordPairHashes(Func):
    """The hashes of the pairs of adjacent words of a search vector (SQL function of
    migration 0029), each pair's text as ``pair_hash()`` hashes it."""

    function = "archive_word_pair_hashes"
    output_field = ArrayField(BigIntegerField())


def pair_hash(pair: str) -> Func:
    """A pair's hash, as the pairs' column keeps it; computed by PostgreSQL while planning."""
    return Func(Value(pair), Value(0), function="hashtextextended", output_field=BigIntegerField())


class PairHashes(Func):
    """The hashes of ``pairs`` as one array, to look up in the pairs' index with ``@>``."""

    template = "ARRAY[%(expressions)s]::bigint[]"
    output_field = ArrayField(BigIntegerField())

    def __init__(self, pairs: tuple[str, ...]):
        super().__init__(*(pair_hash(pair) for pair in pairs))


class Matches(Func):
    """``vector @@ query`` for a query already in tsquery form, so it is not parsed again."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()

    def __init__(self, vector: str, tsquery: str):
        super().__init__(F(vector), Cast(Value(tsquery), SearchQueryField()))


@dataclass(frozen=True)
class Lexeme:
    text: str
    suffix: str = ""  # ":*" (prefix) or weights (":AB"): not something a pair can stand for


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class Binary:
    operator: str  # "&", "|", or "<N>" (N words apart; "<->" is "<1>")
    left: "Node"
    right: "Node"


Node = Lexeme | Not | Binary

TOKEN = re.compile(
    r"\s*(?:'(?P<lexeme>(?:[^'\\]|''|\\.)*)'(?P<suffix>:[*A-D]+)?|(?P<op><->|<\d+>|[&|!()]))"
)
# Lower binds tighter: ! then <N> then & then | (PostgreSQL's own precedence).
PRECEDENCE = {"|": 3, "&": 2}


class UnknownForm(ValueError):
    """The query's text is not in the form this parser reads."""


def parse(text: str) -> Node | None:
    """A tsquery's text form (as PostgreSQL prints it) as a tree; None for an empty query."""
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise UnknownForm(text)
        if match["op"]:
            tokens.append(match["op"])
        else:
            lexeme = re.sub(r"''|\\(.)", lambda m: m[1] or "'", match["lexeme"])
            tokens.append(Lexeme(lexeme, match["suffix"] or ""))
        position = match.end()
    if not tokens:
        return None
    node, rest = _expression(tokens, 3)
    if rest:
        raise UnknownForm(text)
    return node


def _level(operator: str) -> int:
    return PRECEDENCE.get(operator, 1)


def _expression(tokens: list, level: int) -> tuple[Node, list]:
    """Operators of ``level`` or tighter, left to right."""
    node, tokens = _operand(tokens)
    while tokens and isinstance(tokens[0], str) and tokens[0] not in "!()":
        operator = tokens[0]
        if _level(operator) > level:
            break
        right, tokens = _expression_above(tokens[1:], _level(operator))
        node = Binary("<1>" if operator == "<->" else operator, node, right)
    return node, tokens


def _expression_above(tokens: list, level: int) -> tuple[Node, list]:
    """The right operand of an operator of ``level``: only tighter operators bind to it."""
    return _expression(tokens, level - 1) if level > 1 else _operand(tokens)


def _operand(tokens: list) -> tuple[Node, list]:
    if not tokens:
        raise UnknownForm("missing operand")
    first, rest = tokens[0], tokens[1:]
    if isinstance(first, Lexeme):
        return first, rest
    if first == "!":
        operand, rest = _operand(rest)
        return Not(operand), rest
    if first == "(":
        node, rest = _expression(rest, 3)
        if not rest or rest[0] != ")":
            raise UnknownForm("unbalanced parenthesis")
        return node, rest[1:]
    raise UnknownForm(f"unexpected {first}")


def render(node: Node) -> str:
    """The tree as tsquery text, parenthesised so it reads back the same."""
    if isinstance(node, Lexeme):
        return quote(node.text) + node.suffix
    if isinstance(node, Not):
        return f"!( {render(node.operand)} )"
    return f"( {render(node.left)} {node.operator} {render(node.right)} )"


def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _conjuncts(node: Node) -> list[Node]:
    if isinstance(node, Binary) and node.operator == "&":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _phrase_words(node: Node) -> list[str] | None:
    """The words of a phrase of plain words each right after the other, else None."""
    if isinstance(node, Lexeme):
        return [node.text] if not node.suffix else None
    if isinstance(node, Binary) and node.operator == "<1>":
        left, right = _phrase_words(node.left), _phrase_words(node.right)
        if left and right:
            return left + right
    return None


def _pairs(words: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class IndexedQuery:
    """What a search asks of the two columns: ``words`` (tsquery text, or "" for none)
    matched against the search vector, and every one of ``pairs`` held in ``word_pairs``."""

    words: str
    pairs: tuple[str, ...] = ()


def rewrite(tsquery: str) -> IndexedQuery | None:
    """The query with its required phrases looked up as word pairs; None when nothing in it
    can be (the search stays as it was)."""
    try:
        tree = parse(tsquery)
    except UnknownForm:
        return None
    if tree is None:
        return None
    kept, pairs = [], []
    for conjunct in _conjuncts(tree):
        words = _phrase_words(conjunct)
        found = _pairs(words) if words and len(words) > 1 else None
        if not found:
            kept.append(conjunct)
            continue
        pairs += [pair for pair in found if pair not in pairs]
        if len(words) > 2:
            kept.append(conjunct)  # pairs narrow it down; positions still decide
    if not pairs:
        return None
    return IndexedQuery(" & ".join(render(node) for node in kept), tuple(pairs))


PLAIN_WORD = re.compile(r"-?\w+")


@lru_cache(maxsize=2048)
def _parsed(database: str, text: str) -> str:
    with connections[database].cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [SEARCH_CONFIG, text]
        )
        return cursor.fetchone()[0]


def indexed_query(text: str, database: str = "default") -> IndexedQuery | None:
    """The pairs-index form of a web-search query, or None when it has no phrase to look up.

    A query of plain words has no phrase and costs no round trip; a quoted phrase or a word
    that the parser splits ("anti-ICE", "O'Brien") does.
    """
    text = normalize_query_text(text)
    if all(PLAIN_WORD.fullmatch(word) for word in text.split()):
        return None
    return rewrite(_parsed(database, text))


def snippet_query(text: str, database: str = "default") -> Cast | None:
    """The query's required parts joined by "or", as a tsquery for ts_headline.

    A snippet is drawn from a window of the body around the first word of the query; for
    "detainer sheriff" that window may hold one word and not the other, and ts_headline marks
    nothing unless its fragment holds every required part. Joined by "or", each part is
    marked where it stands (a phrase still as a phrase); excluded words are left out. None
    when the query is one part already.
    """
    text = normalize_query_text(text)
    if not text or PLAIN_WORD.fullmatch(text):
        return None  # one plain word is one part, known without asking the database
    try:
        tree = parse(_parsed(database, text))
    except UnknownForm:
        return None
    parts = [node for node in (_conjuncts(tree) if tree else []) if not isinstance(node, Not)]
    if len(parts) < 2:
        return None
    return Cast(Value(" | ".join(render(node) for node in parts)), SearchQueryField())


def text_match(text: str, database: str = "default") -> Q:
    """The condition an article meets when it matches a web-search query."""
    indexed = indexed_query(text, database)
    if indexed is None:
        return Q(search_vector=build_query(text))
    condition = Q(word_pairs__contains=PairHashes(indexed.pairs))
    if indexed.words:
        condition &= Q(Matches("search_vector", indexed.words))
    return condition
