"""The settings files of data/ (check.yml, terms.yml, relations.yml), validated with their places.

Each file has a JSON Schema shipped with the package (``schemas/``); a mistake
comes back as file, line, column and a hint, so a misspelt key is reported
instead of silently switching a check off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shenbao.project.figures import closest_names
from shenbao.project.settings_files import (  # noqa: F401  (schema, validate, explain: this module's interface too)
    CHECK,
    RELATION_KINDS,
    RELATIONS,
    TERMS,
    SettingsProblem,
    explain,
    place,
    read_settings_file,
    schema,
    validate,
)
from shenbao.text.statistics import DEFAULT_PATTERNS

ALL = "all"  # in select: every rule


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


def load_check_settings(
    data_dir: Path, shown_dir: str, rule_ids=(), root: Path | None = None
) -> tuple[CheckSettings, list[SettingsProblem]]:
    """check.yml, terms.yml and relations.yml together; a missing file means its rule finds nothing.

    ``root`` is the project: a settings file linked from outside it is refused, not read."""
    check, check_node, problems = read_settings_file(data_dir / CHECK, f"{shown_dir}/{CHECK}", {}, root)
    if not problems:
        problems += unknown_rule_ids(check, check_node, set(rule_ids), f"{shown_dir}/{CHECK}") if rule_ids else []
        problems += bad_patterns(check, check_node, f"{shown_dir}/{CHECK}")
    terms_file, _, more = read_settings_file(data_dir / TERMS, f"{shown_dir}/{TERMS}", {}, root)
    problems += more
    relations, relations_node, more = read_settings_file(data_dir / RELATIONS, f"{shown_dir}/{RELATIONS}", [], root)
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
