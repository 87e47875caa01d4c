"""Reading a YAML data file with every value located, refusing what a data file never needs.

Every data file (figures, exhibits, the checks' settings) comes through
``read_yaml``: UTF-8 of a sane size (``textfile``), no anchors or aliases (a
few lines of them expand to gigabytes), no duplicate keys, no infinite or
not-a-number values, no exponent written where YAML reads text. Each value
keeps its line and column, so ``validate`` can say where a schema error is.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import yaml

from shenbao.errors import LocatedError
from shenbao.text.textfile import MAX_DATA_BYTES, TextFileError, read_text

# libyaml when PyYAML has it: composing a large figures file is several times faster.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Mark = tuple[int, int]  # 1-based line and column in the YAML file
Marks = dict[tuple, Mark]  # where each value starts, by its path of keys and indexes
# YAML 1.1 reads 1e3 and 1e400 as text; a writer who wrote one meant a number.
_EXPONENT = re.compile(r"^[-+]?(\d[\d_]*)?\.?\d*[eE][-+]?\d+$")
# Characters a reviewer cannot see or that show other text than the file holds: control characters
# (NUL stops the YAML reader), bidirectional overrides ("\u202e0054\u202c" shows 4500) and zero-width ones.
HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Digits one number (or one run of digits in a text) may have: far more than any count or amount;
# Python refuses to read an integer of more than 4300 digits, and a figure never needs 30.
MAX_DIGITS = 30
_LONG_DIGITS = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")


class DataFileError(LocatedError):
    """A problem in a data file, located for the writer."""


def shown_path(path: str | Path, root: str | Path | None = None) -> str:
    """A path as messages name it: relative to ``root`` (default: the working folder) when below it.

    A link is named where it stands, not where it leads; only a root reached
    through a link (``/tmp`` on macOS) needs both sides resolved.
    """
    path, root = Path(path), Path(root or Path.cwd())
    for below, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))), (path.resolve(), root.resolve())):
        try:
            return below.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def read_yaml(path: str | Path, shown: str | Path | None = None, limit: int = MAX_DATA_BYTES) -> tuple[object, Marks]:
    """A data file's content and the place of each value; ``shown`` names the file in messages."""
    shown = shown or shown_path(path)
    try:
        text = read_text(path, limit, shown)
    except TextFileError as error:
        raise DataFileError(error.path, error.line, 1 if error.line else 0, error.message, error.hint) from None
    return parse_yaml(text, shown)


def parse_yaml(text: str, path: str | Path = "data.yml") -> tuple[object, Marks]:
    """Parse YAML keeping where every key and value starts; refuse aliases, duplicates and odd numbers."""
    hidden_characters(text, path)
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "anchor" in f"{error.context}" or "alias" in f"{error.problem}":  # duplicate anchor, undefined alias
            raise _alias_error_at(path, mark.line + 1, mark.column + 1) from None
        problem = f"YAML 格式错误：{error.problem or error.context}"
        raise DataFileError(
            path, mark.line + 1, mark.column + 1, problem, "检查缩进、冒号后的空格和引号是否成对"
        ) from None
    if root is None:
        return {}, {}
    marks: Marks = {}
    seen: set[int] = set()
    scalars = yaml.SafeLoader("")  # only its constructor is used, once for every scalar

    def build(node, where: tuple):
        # An alias is the very node its anchor made: meeting one twice means an alias.
        if id(node) in seen:
            raise _alias_error(text, path)
        seen.add(id(node))
        marks[where] = _mark_of(node)
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = key_node.value
                if isinstance(key, str):
                    _string_problem(key, key_node, path)
                if key in result:
                    line, column = _mark_of(key_node)
                    raise DataFileError(path, line, column, f"重复的名称 “{key}”", "同一分组内名称不能重复")
                result[key] = build(value_node, (*where, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*where, i)) for i, item in enumerate(node.value)]
        return _scalar(scalars.construct_object(_scalar_node(node, path)), node, path)

    return build(root, ()), marks


def _mark_of(node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def hidden_characters(text: str, path) -> None:
    """Refuse, at its line and column, a character the reviewer cannot see (written as it is)."""
    if found := HIDDEN.search(text):
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise DataFileError(path, line, column, *hidden_problem(found.group()))


def hidden_problem(character: str, where: str = "数据") -> tuple[str, str]:
    """The message and hint for one invisible or control character found in ``where`` (数据, 页面)."""
    code = f"U+{ord(character):04X}"
    if character in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        what = f"文字方向控制符 {code}：它让显示的内容和文件中的不同"
    elif ord(character) >= 0x200B:
        what = f"看不见的零宽字符 {code}"
    else:
        what = f"控制字符 {code}"
    return f"{where}中有{what}", "删去这个字符；编辑器中可能看不见它，可删去这一段重新输入"


def _string_problem(value: str, node, path) -> None:
    """A text value written with escapes (``"\\x01"``) or holding a number no figure has."""
    line, column = _mark_of(node)
    if found := HIDDEN.search(value):
        raise DataFileError(path, line, column, *hidden_problem(found.group()))
    if found := _LONG_DIGITS.search(value):
        raise _too_long(path, line, column, len(found.group()))


def _too_long(path, line: int, column: int, digits: int) -> DataFileError:
    return DataFileError(
        path,
        line,
        column,
        f"数字过长（{digits} 位，上限 {MAX_DIGITS} 位）",
        "检查是否多粘贴了内容；编号等长串请写成带引号的短文字，统计数字用万、亿作单位",
    )


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _scalar_node(node, path):
    """A scalar's value, once it is nothing a data file never needs (``construct`` of 5000 digits fails)."""
    if node.tag in _NUMBER_TAGS and sum(ch.isdigit() for ch in node.value) > MAX_DIGITS:
        line, column = _mark_of(node)
        raise _too_long(path, line, column, sum(ch.isdigit() for ch in node.value))
    return node


def _scalar(value, node, path):
    if isinstance(value, str):
        _string_problem(value, node, path)
    if isinstance(value, float) and not math.isfinite(value):
        line, column = _mark_of(node)
        raise DataFileError(path, line, column, f"数值 {node.value} 不是有限的数", "写出具体的数字；未知的值写 null")
    if isinstance(value, str) and not node.style and _EXPONENT.match(value):  # plain: libyaml says "", PyYAML None
        line, column = _mark_of(node)
        raise DataFileError(
            path,
            line,
            column,
            f"“{value}” 是指数写法，YAML 会把它当作文字",
            "写成普通数字，如 1000 或 0.00015；本来就是文字的请加引号",
        )
    return value


def _alias_error(text: str, path) -> DataFileError:
    """Where the first alias is: only on this error path is the file parsed a second time."""
    line, column = 0, 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
            break
    return _alias_error_at(path, line, column)


def _alias_error_at(path, line: int, column: int) -> DataFileError:
    return DataFileError(
        path, line, column, "数据文件不支持 YAML 锚点和别名（&名称、*名称）", "把要重复的内容直接写出来"
    )


# --- schemas ---------------------------------------------------------------------


@functools.cache
def load_schema(name: str) -> dict:
    """A JSON Schema shipped with the package (``shenbao/schemas/<name>.schema.json``)."""
    text = resources.files("shenbao.project.schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _quick_validator(name: str):
    """Compiled to Python: checks a thousand figures in milliseconds, but explains errors poorly."""
    import fastjsonschema

    return fastjsonschema.compile(load_schema(name))


@functools.cache
def explaining_validator(name: str):
    """The schema's jsonschema validator: slow, but it says where and why a file breaks the schema."""
    import jsonschema  # only a broken file needs it: keep its import off every build and check

    return jsonschema.Draft202012Validator(load_schema(name))


Explain = Callable[[object, tuple], tuple[str, str]]  # a schema error and its place → message, hint


def conforms(data, schema: str) -> bool:
    """Whether ``data`` meets the package's schema ``schema``, told fast (why not is ``jsonschema``'s to say)."""
    import fastjsonschema

    try:
        _quick_validator(schema)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(data, marks: Marks, path, schema: str, explain: Explain) -> None:
    """Raise a located ``DataFileError`` for the first schema error, said by ``explain``."""
    if conforms(data, schema):
        return
    errors = sorted(
        explaining_validator(schema).iter_errors(data), key=lambda e: marks.get(tuple(e.absolute_path), (0, 0))
    )
    if not errors:
        return
    error = _most_specific(errors[0])
    where = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            where = (*where, extra[0])
    line, column = marks.get(where, marks.get(where[:-1], (1, 1)))
    message, hint = explain(error, where)
    raise DataFileError(path, line, column, message, hint)


def _most_specific(error):
    """Of an ``anyOf``/``oneOf`` failure, the branch that got furthest: its message says more."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.schema_path)))
    return error
