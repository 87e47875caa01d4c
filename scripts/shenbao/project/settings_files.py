"""The settings files of data/ (check.yml, terms.yml, relations.yml): read and validated with their places.

Each file has a JSON Schema shipped with the package (``schemas/``); a mistake
comes back as file, line, column and a hint, so a misspelt key is reported
instead of silently switching a check off. ``make check`` reports every
problem; the build refuses a broken terms.yml or relations.yml as well, so a
file that ``check`` rejects is never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from shenbao.project import datafile
from shenbao.project.figures import closest_names
from shenbao.text.textfile import MAX_DATA_BYTES, TextFileError, read_text

CHECK, TERMS, RELATIONS = "check.yml", "terms.yml", "relations.yml"
RELATION_KINDS = ("at_most", "quotient", "sum_at_most")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: the files are read on every check


@dataclass(frozen=True)
class SettingsProblem:
    path: str
    line: int
    column: int
    message: str
    hint: str = ""


def schema_name(name: str) -> str:
    """The name of a settings file's schema among the package's: ``check`` for ``check.yml``."""
    return name.removesuffix(".yml")


def schema(name: str) -> dict:
    """The JSON Schema of a settings file, e.g. ``schema("check.yml")``."""
    return datafile.load_schema(schema_name(name))


def read_settings_file(
    path: Path, shown: str, empty, root: Path | None = None
) -> tuple[object, yaml.Node | None, list[SettingsProblem]]:
    """The file's data, its YAML node tree (for places) and its problems; ``empty`` when there is no file.

    With ``root``, a file reached through a link to outside that folder is a problem, not read.
    """
    if root is not None and (path.exists() or path.is_symlink()) and not inside(path, root):
        return empty, None, [SettingsProblem(shown, 1, 1, OUTSIDE_MESSAGE, OUTSIDE_HINT)]
    if not path.exists():
        return empty, None, []
    try:
        text = read_text(path, MAX_DATA_BYTES, shown)
        datafile.hidden_characters(text, shown)  # NUL would stop the YAML reader without a line
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except (TextFileError, datafile.DataFileError) as error:
        return empty, None, [SettingsProblem(shown, error.line or 1, error.column or 1, error.message, error.hint)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = SettingsProblem(
            shown, mark.line + 1, mark.column + 1, f"YAML 格式错误：{error.problem}", "检查缩进、冒号后的空格和引号"
        )
        return empty, None, [problem]
    except yaml.YAMLError:
        return empty, None, [SettingsProblem(shown, 1, 1, "YAML 格式错误", "检查缩进、冒号后的空格和引号")]
    if data is None:
        return empty, node, []
    return data, node, validate(data, node, path.name, shown)


def validate(data, node: yaml.Node | None, name: str, shown: str) -> list[SettingsProblem]:
    """Every way ``data`` breaks the schema of settings file ``name``, at the place in the file it comes from."""
    if datafile.conforms(data, schema_name(name)):
        return []
    errors = sorted(
        datafile.explaining_validator(schema_name(name)).iter_errors(data), key=lambda e: list(e.absolute_path)
    )
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


def explain(error) -> tuple[str, str]:
    """A schema error (``jsonschema.ValidationError``) in the writer's words, with what to write instead."""
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


OUTSIDE_MESSAGE = "数据文件指向项目以外的位置（符号链接或路径），不予读取"
OUTSIDE_HINT = "把文件本身放进项目的 data/ 文件夹，不要用链接"


def inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def build_problem(data_dir: Path, shown_dir: str, root: Path) -> SettingsProblem | None:
    """The first problem of terms.yml or relations.yml, which the build refuses as ``check`` does."""
    for name, empty in ((TERMS, {}), (RELATIONS, [])):
        _, _, problems = read_settings_file(data_dir / name, f"{shown_dir}/{name}", empty, root)
        if problems:
            return problems[0]
    return None
