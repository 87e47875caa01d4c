"""The ``shenbao`` plugin's settings in ``mkdocs.yml``, typed and validated by MkDocs.

    plugins:
      - shenbao:
          mode: draft            # or final: refuse while anything is open
          figures: data/figures.yml

Every option has a default, so ``- shenbao`` alone is a working setting.
"""

from __future__ import annotations

import enum
import re

from mkdocs.config import base
from mkdocs.config import config_options as c

PLUGIN_NAME = "shenbao"


class Mode(enum.Enum):
    """The build's one switch: a draft to review, or the final file that refuses while anything is open."""

    DRAFT = "draft"
    FINAL = "final"


class ShenbaoConfig(base.Config):
    mode = c.Choice(tuple(m.value for m in Mode), default=Mode.DRAFT.value)
    """draft: placeholders highlighted, 草稿 in the header; final: refuse while figures or text are missing."""
    preview = c.Type(bool, default=False)
    """Also render the DOCX to PDF (LibreOffice) and offer it for download on the site."""
    data_dir = c.Type(str, default="data")
    """Where the settings files live: terms.yml, check.yml, relations.yml."""
    figures = c.Type(str, default="data/figures.yml")
    exhibits = c.Type(str, default="data/exhibits.yml")
    output_dir = c.Type(str, default="dist")
    """Where ``shenbao build`` puts the DOCX (the site keeps a copy under downloads/)."""
    layout = c.Type(dict, default={})
    """The DOCX's and the print style's layout: a preset (公文, 报告) and overrides per element; see layout.py."""
    since = c.Optional(c.Type(str))
    """A git revision: the site gets a page of what changed since it (``shenbao build --since``)."""
    docx_max_mb = c.Type((int, float), default=20)
    """The DOCX's size budget in MB (online submission systems cap uploads); ``final`` refuses a larger file."""
    docx_name = c.Optional(c.Type(str))
    """The DOCX's file name without .docx; default: the title (application.title), with （草稿） for a draft."""


# --- MkDocs' English about these options, in the writer's words -------------------------

_TYPE_NAMES = {"dict": "一组“名称: 值”", "list": "列表", "str": "文字", "bool": "true 或 false", "int": "整数"}
_CHOICE = re.compile(r"^Expected one of: \((?P<choices>.*)\) but received: (?P<got>.*)$", re.S)
_TYPE = re.compile(r"^Expected type: <class '(?P<want>\w+)'> but received: <class '(?P<got>\w+)'>$", re.S)
_UNKNOWN = re.compile(r"^Unrecognised configuration name: (?P<name>.*)$", re.S)


def option_problem(option: str, problem: str) -> tuple[str, str]:
    """MkDocs' message about one ``shenbao`` option as a Chinese message and a hint."""
    if match := _CHOICE.match(problem):
        choices = "、".join(c.strip(" '\"") for c in match["choices"].split(",") if c.strip(" '\""))
        return f"无法识别 “{match['got'].strip(chr(39))}”", f"可用：{choices}"
    if match := _TYPE.match(problem):
        want = _TYPE_NAMES.get(match["want"], match["want"])
        got = _TYPE_NAMES.get(match["got"], match["got"])
        return f"应为{want}，而不是{got}", "写法见 README 的“mkdocs.yml：插件设置”"
    if _UNKNOWN.match(problem):
        return f"没有名为 “{option}” 的选项", f"可用：{'、'.join((key for key, _ in ShenbaoConfig._schema))}"
    return problem, "写法见 README 的“mkdocs.yml：插件设置”"


def option_line(config_text: str, option: str) -> int:
    """The line of ``mkdocs.yml`` where the ``shenbao`` plugin's ``option`` is written (0 if not found)."""
    lines = config_text.split("\n")
    plugin = re.compile(rf"(^|[\s{{,\"'-]){PLUGIN_NAME}[\"']?\s*(:|$)")
    start = next((i for i, line in enumerate(lines) if plugin.search(line)), None)
    if start is None:
        return 0
    name = re.compile(rf"(^|[\s{{,\"']){re.escape(option)}[\"']?\s*:")
    found = next((i for i in range(start, len(lines)) if name.search(lines[i])), start)
    return found + 1
