"""Protocol Buffers text format (Caffe's ``.prototxt``) parsed into located messages.

A real grammar, not line patterns: a prototxt is a message, a sequence of fields, each a name and
either a scalar (``num_output: 96``), a nested message (``convolution_param { ... }``, the colon
optional, ``{}`` or ``<>``) or a list (``dim: [10, 3, 224, 224]``); separators ``,`` or ``;`` are
optional, ``#`` starts a comment, adjacent strings join. Fields may sit on one line or spread over
many, which is why lines alone cannot be trusted to hold one field each. The grammar is parsed with
`lark <https://github.com/lark-parser/lark>`_ (LALR), which also reports where a file stops making
sense; :func:`parse` turns that into ``file:line: what was found``.

What the fields mean is not this module's business: it knows no Caffe, only the text format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import lark
from lark import Lark, Token, Transformer, v_args

from generator.load.importers.errors import ModelError, at_line

GRAMMAR = r"""
start: _field*

_field: (scalar_field | message_field | list_field) _sep?
_sep: "," | ";"
scalar_field: NAME ":" value
message_field: NAME ":"? message
list_field: NAME ":" "[" [_element ("," _element)*] "]"
_element: value | message
message: "{" _field* "}" | "<" _field* ">"

value: STRING+       -> string
     | NUMBER        -> number
     | NAME          -> identifier
     | "-" NAME      -> negative_identifier

NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /-?(0[xX][0-9A-Fa-f]+|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fF]?)/
STRING: /"([^"\\\n]|\\.)*"|'([^'\\\n]|\\.)*'/
COMMENT: /#[^\n]*/

%import common.WS
%ignore WS
%ignore COMMENT
"""

#: What the grammar's terminals look like, for messages about what was expected.
_TERMINALS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a quoted string",
    "COLON": "':'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LESSTHAN": "'<'",
    "MORETHAN": "'>'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "MINUS": "'-'",
    "SEMICOLON": "';'",
    "$END": "the end of the file",
}
#: Deeper nesting describes no network; refusing it keeps a hostile file from exhausting the stack.
MAX_DEPTH = 64


class Identifier(str):
    """An unquoted word as a value: an enum (``MAX``, ``CONVOLUTION``) or ``true``/``false``."""

    __slots__ = ()


Scalar = str | int | float


@dataclass(frozen=True, slots=True)
class Field:
    """One ``name: value`` of a message, with the line it starts on."""

    name: str
    value: Scalar | Message
    line: int
    written: str = ""
    """The name as the file writes it, where a reader of an older format renamed the field (a
    V0 ``kernelsize`` read as ``kernel_size``); empty when it is ``name``."""

    @property
    def shown(self) -> str:
        """The name for messages: as the file writes it."""
        return self.written or self.name


@dataclass(frozen=True, slots=True)
class Message:
    """A message: its fields in the order written (a repeated field appears once per value)."""

    fields: tuple[Field, ...]
    line: int

    def all(self, name: str) -> Iterator[Field]:
        """Every value of field ``name``, in order."""
        return (f for f in self.fields if f.name == name)

    def first(self, name: str) -> Field | None:
        """The first value of field ``name``, or ``None``."""
        return next(self.all(name), None)

    def messages(self, name: str) -> Iterator[Message]:
        """Every value of ``name`` that is a message."""
        return (f.value for f in self.all(name) if isinstance(f.value, Message))


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)


def _unescape(body: str) -> str:
    """C-style escapes as the text format writes them (``\\"``, ``\\n``, ``\\x41``, ``\\101``)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, body)


def _number(text: str) -> int | float:
    body = text.rstrip("fF") if not text.lower().startswith(("0x", "-0x")) else text
    if re.fullmatch(r"-?(0[xX][0-9A-Fa-f]+)", body):
        return int(body, 16)
    if re.fullmatch(r"-?[0-9]+", body):
        return int(body)
    return float(body)


@v_args(meta=True)
class _ToMessages(Transformer[Token, Message]):
    """The parse tree as :class:`Message` and :class:`Field` values."""

    def start(self, meta: lark.tree.Meta, fields: list[Field]) -> Message:
        return Message(tuple(fields), 1)

    def message(self, meta: lark.tree.Meta, fields: list[Field]) -> Message:
        return Message(tuple(fields), meta.line)

    def scalar_field(self, meta: lark.tree.Meta, children: list[Token | Scalar]) -> Field:
        name, value = children
        return Field(str(name), value, meta.line)

    def message_field(self, meta: lark.tree.Meta, children: list[Token | Message]) -> Field:
        name, value = children
        assert isinstance(value, Message)
        return Field(str(name), value, meta.line)

    def list_field(self, meta: lark.tree.Meta, children: list[Token | Scalar | Message]) -> Field:
        # A list is the field repeated: ``dim: [1, 2]`` means ``dim: 1 dim: 2``. Returned as a
        # message of the repetitions, flattened by :func:`_flatten`.
        name, *values = children
        return Field(
            "\0list",
            Message(tuple(Field(str(name), v, meta.line) for v in values), meta.line),
            meta.line,
        )

    def string(self, meta: lark.tree.Meta, parts: list[Token]) -> str:
        return "".join(_unescape(str(p)[1:-1]) for p in parts)

    def number(self, meta: lark.tree.Meta, children: list[Token]) -> int | float:
        return _number(str(children[0]))

    def identifier(self, meta: lark.tree.Meta, children: list[Token]) -> Identifier:
        return Identifier(str(children[0]))

    def negative_identifier(self, meta: lark.tree.Meta, children: list[Token]) -> Identifier:
        return Identifier("-" + str(children[0]))


def _flatten(message: Message) -> Message:
    """Lists written as ``[a, b]`` become repeated fields, at every depth."""
    fields: list[Field] = []
    for f in message.fields:
        if f.name == "\0list":
            assert isinstance(f.value, Message)
            fields.extend(_flatten_field(g) for g in f.value.fields)
        else:
            fields.append(_flatten_field(f))
    return Message(tuple(fields), message.line)


def _flatten_field(f: Field) -> Field:
    if isinstance(f.value, Message):
        return Field(f.name, _flatten(f.value), f.line)
    return f


def _expected(names: set[str] | frozenset[str]) -> str:
    described = sorted({_TERMINALS.get(n, repr(n)) for n in names})
    return " or ".join(described) if described else "nothing more"


def _found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    return f"{str(token)!r}"


def _depth_check(text: str, path: str) -> None:
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        # Braces inside strings and comments do not nest; a rough count is enough to refuse
        # a file nested far beyond any network definition before the parser recurses into it.
        code = re.sub(r"\"([^\"\\\n]|\\.)*\"|'([^'\\\n]|\\.)*'|#.*", "", line)
        for char in code:
            depth += char in "{<"
            depth -= char in "}>"
            if depth > MAX_DEPTH:
                raise ModelError(
                    [at_line(path, number, f"messages nest more than {MAX_DEPTH} levels deep")]
                )


def parse(text: str, path: str) -> Message:
    """Parse prototxt ``text`` (read from ``path``, named in messages) into its top message.

    Raises :class:`ModelError` at the first place the text stops being the text format.
    """
    _depth_check(text, path)
    try:
        tree = _parser().parse(text)
    except lark.UnexpectedToken as error:
        where = at_line(path, error.line if error.line > 0 else _last_line(text), "")
        expected = _expected(error.expected - {"$END"})
        if error.token.type == "$END":
            raise ModelError([f"{where}the file ends early: expected {expected}"]) from None
        if "$END" in error.expected:
            expected += " or the end of the file"
        raise ModelError([f"{where}expected {expected}, found {_found(error.token)}"]) from None
    except lark.UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        raise ModelError(
            [
                at_line(
                    path,
                    error.line,
                    f"unexpected character {char!r} at column {error.column}"
                    + (" (an unclosed string?)" if char in "\"'" else ""),
                )
            ]
        ) from None
    except lark.UnexpectedEOF as error:
        raise ModelError(
            [
                at_line(
                    path,
                    _last_line(text),
                    f"the file ends early: expected {_expected(set(error.expected))}",
                )
            ]
        ) from None
    message = _ToMessages().transform(tree)
    return _flatten(message)


def _last_line(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)
