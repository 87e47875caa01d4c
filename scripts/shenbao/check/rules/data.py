"""The data and settings files themselves: what must be right before any page can be checked."""

from __future__ import annotations

from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.rule import PROJECT, WARNING, Finding, rule
from shenbao.project.figures import SPECIAL_NAMES


@rule(
    "data",
    "figures.yml、exhibits.yml 和 mkdocs.yml 能读取：语法和模式正确",
    scope=PROJECT,
    settings="`data/figures.schema.json`",
)
def data(context: Context) -> Iterator[Finding]:
    """检查什么：data/figures.yml 的语法和模式（名称、单位、比率在 0–100 之间），data/exhibits.yml 引用的数据项，
    mkdocs.yml 中 shenbao 的设置；数据文件中看不见的字符（控制字符、文字方向控制符、零宽字符）、
    超过 30 位的数字，以及指向项目以外的数据文件（符号链接）。

    为什么：这些文件读不了，页面就无从检查，构建也会停止；这条规则报告后其他规则不再运行。

    示例：
        population:
          births: {label: 出生人数 unit: 人, value: 1271}

    如何修正：按提示的行列改正；figures.yml 可用编辑器按 data/figures.schema.json 校验。
    """
    return iter(())  # the runner reports these while loading the project, before any rule can run


@rule(
    "settings",
    "check.yml、terms.yml、relations.yml 的格式正确",
    scope=PROJECT,
    settings="`scripts/shenbao/project/schemas/`",
)
def settings(context: Context) -> Iterator[Finding]:
    """检查什么：data/check.yml、data/terms.yml、data/relations.yml 是否符合各自的 JSON Schema
    （随程序提供，见 scripts/shenbao/project/schemas/），select、ignore 中的规则名是否存在。

    为什么：拼错的键或关系种类（at_mots）不会报错，只会让对应的检查悄悄失效。

    示例：
        - at_mots: {part: funds.received, whole: funds.budget}

    如何修正：按提示改正键名；可用的键见报错中的提示。
    """
    return iter(())  # the runner reports these while loading the settings, before any rule can run


@rule(
    "special-name",
    "构建要用的特殊数据项（application.title、application.applicant）存在",
    scope=PROJECT,
    severity=WARNING,
    settings="`data/figures.yml`",
)
def special_name(context: Context) -> Iterator[Finding]:
    """检查什么：data/figures.yml 中有 application.title（网站名称、DOCX 的标题和文件名）和
    application.applicant（DOCX 的作者）两个数据项。

    为什么：改了分组名或拼错名称时，构建不会停下，只是悄悄改用 mkdocs.yml 的 site_name 作标题、
    作者留空，交出去的文件名和属性就不对了。

    示例：
        app:
          title: {label: 申报材料标题, value: 某县申报材料}

    如何修正：把这两项写在 application 分组中（值未知时写 value: null）。
    """
    figures = context.project.figures
    shown = context.project.options.figures
    for name, purpose in SPECIAL_NAMES.items():
        if name not in figures:
            yield Finding(1, 1, f"缺少特殊数据项 {name}：{purpose}", f"在 {shown} 中添加 {name}", path=shown)
