"""The workbook's columns and the rules both directions share: one place names them."""

from __future__ import annotations

import functools
import re

from shenbao.project import datafile
from shenbao.project.figures import APPROX_AFTER, APPROX_BEFORE, SCHEMA

NAME, LABEL, UNIT, VALUE, APPROX, SOURCE, NOTE, USES = (
    "数据项",
    "名称",
    "单位",
    "数值",
    "概数",
    "来源/填报单位",
    "备注",
    "出现位置",
)
HEADERS = (NAME, LABEL, UNIT, VALUE, APPROX, SOURCE, NOTE, USES)
APPROX_WORDS = (*APPROX_AFTER, *APPROX_BEFORE)
ONE_SHEET = "填报表"
PERCENT = "%"


def letter(header: str) -> str:
    """The column letter of a header: A for 数据项 …"""
    return "ABCDEFGH"[HEADERS.index(header)]


@functools.cache
def _count_unit() -> re.Pattern:
    # the schema's own list: what it refuses as negative, the workbook refuses too
    return re.compile(datafile.load_schema(SCHEMA)["$defs"]["countUnit"]["pattern"])


def is_count(unit: str) -> bool:
    """People, households, money: a unit whose amounts are never negative."""
    return bool(unit) and bool(_count_unit().match(unit))
