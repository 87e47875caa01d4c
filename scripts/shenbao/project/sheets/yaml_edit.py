"""Set fields of figures in ``data/figures.yml`` by editing only the characters that change.

ruamel.yaml's round-trip composer gives each key and value its exact place in
the text; the new value is written over the old one and a new field is added
beside the last, in the mapping's own style. Comments, order, alignment and
quoting everywhere else stay byte for byte as the writer left them, which a
re-dump (even ruamel's) does not promise.
"""

from __future__ import annotations

import json
import re

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode

from shenbao.errors import ShenbaoError
from shenbao.project.figures import Number, format_number

Edits = dict[tuple[str, str], dict[str, Number | str | None]]  # (group, key) → field → new value; None removes it
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`~][^:#,\[\]{}]*(?<!\s)$")
_NOT_TEXT = re.compile(r"^(?:null|Null|NULL|~|true|false|yes|no|on|off|[-+]?[\d.][\d._:eE+-]*)$", re.I)


class EditError(ShenbaoError):
    """The data file is not shaped as figures are: the import cannot place a value."""


def scalar(value: Number | str) -> str:
    """A value as YAML writes it: numbers plainly, text plainly when YAML would read it back as that text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    text = str(value)
    if _PLAIN.match(text) and not _NOT_TEXT.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def apply(text: str, edits: Edits) -> str:
    """``text`` with each edit made in place; raise EditError where a figure is not a mapping."""
    root = YAML(typ="rt").compose(text)
    if not isinstance(root, MappingNode):
        raise EditError("数据文件顶层不是分组")
    splices: list[tuple[int, int, str]] = []
    for (group, key), fields in edits.items():
        figure = _child(_child(root, group), key)
        if not isinstance(figure, MappingNode):
            raise EditError(f"{group}.{key} 不是一组字段")
        for field, value in fields.items():
            if value is None:
                splices.extend(_removal(figure, field, text))
            else:
                splices.append(_splice(figure, field, scalar(value), text))
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _child(node, key: str):
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node
    raise EditError(f"找不到 {key}")


def _splice(figure: MappingNode, field: str, new: str, text: str) -> tuple[int, int, str]:
    for key_node, value_node in figure.value:
        if key_node.value == field:
            return value_node.start_mark.index, value_node.end_mark.index, new
    last_key, last_value = figure.value[-1]
    at = last_value.end_mark.index
    if figure.flow_style:
        return at, at, f", {field}: {new}"
    line_start = text.rfind("\n", 0, figure.value[0][0].start_mark.index) + 1
    indent = text[line_start : figure.value[0][0].start_mark.index]
    if at and text[at - 1] == "\n":  # a block scalar ends with its line
        return at, at, f"{indent}{field}: {new}\n"
    end_of_line = text.find("\n", at)  # after a comment that closes the line: it stays with its value
    end_of_line = len(text) if end_of_line < 0 else end_of_line
    return end_of_line, end_of_line, f"\n{indent}{field}: {new}"


def _removal(figure: MappingNode, field: str, text: str) -> list[tuple[int, int, str]]:
    """Take a field out: from the value before it in a flow mapping, its whole line in a block one."""
    for index, (key_node, value_node) in enumerate(figure.value):
        if key_node.value != field:
            continue
        if figure.flow_style:
            start = figure.value[index - 1][1].end_mark.index if index else key_node.start_mark.index
            end = value_node.end_mark.index
            if not index and index + 1 < len(figure.value):
                end = figure.value[index + 1][0].start_mark.index
            return [(start, end, "")]
        start = text.rfind("\n", 0, key_node.start_mark.index) + 1
        end = text.find(
            "\n",
            value_node.end_mark.index - 1 if text[value_node.end_mark.index - 1] == "\n" else value_node.end_mark.index,
        )
        return [(start, len(text) if end < 0 else end + 1, "")]
    return []
