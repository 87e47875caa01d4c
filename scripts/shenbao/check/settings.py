"""The settings files of data/ (check.yml, terms.yml, relations.yml), validated with their places.

Each file has a JSON Schema shipped with the package (``schemas/``); a mistake
comes back as file, line, column and a hint, so a misspelt key is reported
instead of silently switching a check off.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from shenbao.project.figures import closest_names
from shenbao.text.statistics import DEFAULT_PATTERNS

CHECK, TERMS, RELATIONS = "check.yml", "terms.yml", "relations.yml"
RELATION_KINDS = ("at_most", "quotient", "sum_at_most")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: the files are read on every check
ALL = "all"  # in select: every rule


@dataclass(frozen=True)
class SettingsProblem:
    path: str
    line: int
    column: int
    message: str
    hint: str = ""


@dataclass
class CheckSettings:
    select: list[str] | None = None  # None: every rule
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    counters: list[str] = field(default_factory=list)  # added to the built-in measure words
    allowed: list[str] = field(default_factory=list)
    allowed_patterns: list[str] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    relation_lines: list[int] = field(default_factory=list)  # where each relation starts in relations.yml
    relations_path: str = f"data/{RELATIONS}"


@functools.cache
def schema(name: str) -> dict:
    """The JSON Schema of a settings file, e.g. ``schema("check.yml")``."""
    text = resources.files("shenbao.project.schemas").joinpath(name.replace(".yml", ".schema.json")).read_text("utf-8")
    return json.loads(text)


def read_settings_file(path: Path, shown: str, empty) -> tuple[object, yaml.Node | None, list[SettingsProblem]]:
    """The file's data, its YAML node tree (for places) and its problems; ``empty`` when there is no file."""
    if not path.exists():
        return empty, None, []
    try:
        text = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except UnicodeDecodeError:
        return empty, None, [SettingsProblem(shown, 1, 1, "文件不是 UTF-8 编码", "用编辑器另存为 UTF-8")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = SettingsProblem(
            shown, mark.line + 1, mark.column + 1, f"YAML 格式错误：{error.problem}", "检查缩进、冒号后的空格和引号"
        )
        return empty, None, [problem]
    if data is None:
        return empty, node, []
    return data, node, validate(data, node, schema(path.name), shown)


def validate(data, node: yaml.Node | None, rules: dict, shown: str) -> list[SettingsProblem]:
    """Every way ``data`` breaks its schema, at the place in the file it comes from."""
    errors = sorted(jsonschema.Draft202012Validator(rules).iter_errors(data), key=lambda e: list(e.absolute_path))
    unknown_at = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    problems = []
    for error in errors:
        where = tuple(error.absolute_path)
        if error.validator == "anyOf" and where in unknown_at:
            continue  # a misspelt kind: the unknown key says it better than "no kind"
        line, column = place(node, where)
        message, hint = explain(error)
        problems.append(SettingsProblem(shown, line, column, message, hint))
    return problems


def place(node: yaml.Node | None, path: tuple) -> tuple[int, int]:
    """Line and column (1-based) of the value at ``path`` in a composed YAML document."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for name, value in node.value if name.value == key), node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


_TYPES = {"array": "列表", "object": "映射（键: 值）", "string": "文字", "number": "数字", "null": "空"}


def explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """A schema error in the writer's words, with what to write instead."""
    where = ".".join(str(p) for p in error.absolute_path) or "文件"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in allowed]
        close = closest_names(unknown[0], allowed) if unknown else []
        hint = f"是否想用：{'、'.join(close)}" if close else f"可用的键：{'、'.join(allowed)}"
        return f"{where}：未知的键 “{'、'.join(map(str, unknown))}”", hint
    if error.validator == "anyOf" and any("required" in option for option in error.validator_value):
        return f"{where}：没有写明关系的种类", f"写 {'、'.join(RELATION_KINDS)} 之一"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"{where}：缺少 “{'、'.join(missing)}”", ""
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{where}：应为{'或'.join(_TYPES.get(t, t) for t in wanted)}", ""
    return f"{where}：{error.message}", ""


def unknown_rule_ids(check: dict, node: yaml.Node | None, rule_ids, shown: str) -> list[SettingsProblem]:
    """Rule ids in select, ignore or per_file_ignores that no rule has: a typo would switch nothing off."""
    places = [((key, index), rid) for key in ("select", "ignore") for index, rid in enumerate(check.get(key) or [])]
    for pattern, ids in (check.get("per_file_ignores") or {}).items():
        places += [(("per_file_ignores", pattern, index), rid) for index, rid in enumerate(ids)]
    problems = []
    for where, rid in places:
        if rid not in rule_ids and rid != ALL:
            close = closest_names(rid, rule_ids)
            hint = f"是否想用：{'、'.join(close)}" if close else "shenbao check --list-rules 列出所有规则"
            problems.append(SettingsProblem(shown, *place(node, where), f"没有规则 “{rid}”", hint))
    return problems


def bad_patterns(check: dict, node: yaml.Node | None, shown: str) -> list[SettingsProblem]:
    """allowed_patterns that are not regular expressions, which would stop the check halfway."""
    problems = []
    for index, pattern in enumerate(check.get("allowed_patterns") or []):
        try:
            re.compile(pattern)
        except re.error as error:
            where = place(node, ("allowed_patterns", index))
            problems.append(SettingsProblem(shown, *where, f"不是有效的正则表达式：{error}", "字面的 . ( [ 前加 \\"))
    return problems


def load_check_settings(data_dir: Path, shown_dir: str, rule_ids=()) -> tuple[CheckSettings, list[SettingsProblem]]:
    """check.yml, terms.yml and relations.yml together; a missing file means its rule finds nothing."""
    check, check_node, problems = read_settings_file(data_dir / CHECK, f"{shown_dir}/{CHECK}", {})
    if not problems:
        problems += unknown_rule_ids(check, check_node, set(rule_ids), f"{shown_dir}/{CHECK}") if rule_ids else []
        problems += bad_patterns(check, check_node, f"{shown_dir}/{CHECK}")
    terms_file, _, more = read_settings_file(data_dir / TERMS, f"{shown_dir}/{TERMS}", {})
    problems += more
    relations, relations_node, more = read_settings_file(data_dir / RELATIONS, f"{shown_dir}/{RELATIONS}", [])
    problems += more
    if problems:
        return CheckSettings(), problems
    terms = [{**t, "kind": kind} for kind in ("spun", "term") for t in terms_file.get(kind) or []]
    lines = [place(relations_node, (index,))[0] for index in range(len(relations))]
    settings = CheckSettings(
        select=None if ALL in (check.get("select") or [ALL]) else check["select"],
        ignore=check.get("ignore") or [],
        per_file_ignores=check.get("per_file_ignores") or {},
        counters=[*(check.get("counters") or []), *(check.get("units") or [])],
        allowed=[str(a) for a in check.get("allowed_in_prose") or []],
        # without the key, the usual exceptions (ordinals, serial numbers, titles); an empty list means none
        allowed_patterns=list(check["allowed_patterns"] or [])
        if "allowed_patterns" in check
        else list(DEFAULT_PATTERNS),
        terms=terms,
        relations=relations,
        relation_lines=lines,
        relations_path=f"{shown_dir}/{RELATIONS}",
    )
    return settings, []
