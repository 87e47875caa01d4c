"""The rule on mkdocs.yml itself: configuration that runs code or reaches outside the project.

MkDocs treats its configuration as trusted: ``hooks`` are Python files it runs,
``!!python/…`` tags call Python while the file is read, ``!ENV`` copies the
builder's environment (secrets in CI) into the site, and paths may point
anywhere on the host. A pull request that changes mkdocs.yml can do all of it,
so this rule names each such line for the reviewer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from shenbao.check.context import Context
from shenbao.check.rule import PROJECT, Finding, rule
from shenbao.text.textfile import TextFileError, read_text

CONFIG = "mkdocs.yml"
PYTHON_TAG = "tag:yaml.org,2002:python/"
# Keys whose value is a folder or file MkDocs reads or writes, by where they sit in mkdocs.yml.
PATH_KEYS = {
    ("docs_dir",): "页面目录 docs_dir",
    ("site_dir",): "网站输出目录 site_dir",
    ("theme", "custom_dir"): "主题目录 theme.custom_dir",
    ("INHERIT",): "继承的配置 INHERIT",
}
PLUGIN_PATH_KEYS = {"output_dir": "输出目录 output_dir", "data_dir": "数据目录 data_dir"}


@rule("config", "mkdocs.yml 不执行代码、不读写项目以外的位置", scope=PROJECT, settings="`mkdocs.yml`")
def config(context: Context) -> Iterator[Finding]:
    """检查什么：mkdocs.yml 中会执行代码或读写项目以外位置的设置：`hooks`、`!!python/…` 标签、
    `!ENV`、指向项目以外的 `INHERIT`、`docs_dir`、`site_dir`、`theme.custom_dir`、
    shenbao 的 `output_dir`，`pymdownx.snippets` 的 `base_path` 在项目以外或 `check_paths: false`。

    为什么：mkdocs.yml 是以构建者权限运行的配置，不是普通数据；修改它的拉取请求可以在构建机器上
    执行命令、读出主机上的文件或 CI 的密钥并发布到网站。这些写法申报材料都用不到。

    示例：
        hooks:
          - hooks/publish.py

    如何修正：删去这一设置；路径写成项目内的相对路径。确需这样配置时请维护者审阅。
    """
    root = context.project.root
    path = root / CONFIG
    try:
        text = read_text(path, 1_000_000, CONFIG)
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
    except (TextFileError, yaml.YAMLError, OSError):
        return  # the build reports an unreadable configuration itself
    if tree is None:
        return
    yield from _tags(tree)
    if not isinstance(tree, yaml.MappingNode):
        return
    yield from _settings(tree, root.resolve())


def _finding(node, message: str, hint: str) -> Finding:
    return Finding(node.start_mark.line + 1, node.start_mark.column + 1, message, hint, path=CONFIG)


def _tags(node) -> Iterator[Finding]:
    """``!!python/…`` anywhere, and ``!ENV``: both act while the file is read."""
    stack = [node]
    while stack:
        node = stack.pop()
        if node.tag.startswith(PYTHON_TAG):
            yield _finding(
                node, f"“!!{node.tag.removeprefix('tag:yaml.org,2002:')}” 在读取配置时执行 Python 代码", _HINT
            )
        elif node.tag == "!ENV":
            yield _finding(node, "“!ENV” 把构建机器的环境变量（CI 的密钥）写进配置和网站", "把值直接写在 mkdocs.yml 中")
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in reversed(node.value) for part in reversed(pair)]
        elif isinstance(node, yaml.SequenceNode):
            stack += reversed(node.value)


_HINT = "删去这一设置；申报材料的构建不需要运行自己的代码"


def _mapping(node) -> dict:
    return (
        {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if isinstance(node, yaml.MappingNode)
        else {}
    )


def _settings(tree, root: Path) -> Iterator[Finding]:
    top = _mapping(tree)
    if (hooks := top.get("hooks")) is not None and not (isinstance(hooks, yaml.SequenceNode) and not hooks.value):
        yield _finding(hooks, "hooks 让 MkDocs 在构建时运行其中的 Python 文件", _HINT)
    for keys, name in PATH_KEYS.items():
        node = tree
        for key in keys:
            node = _mapping(node).get(key)
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and _outside(node.value, root):
            yield _finding(node, f"{name} 指向项目以外的 “{node.value}”", "写成项目内的相对路径")
    for plugin in _listed(top.get("plugins")):
        name, options = plugin
        if name == "shenbao":
            for key, label in PLUGIN_PATH_KEYS.items():
                node = _mapping(options).get(key)
                if isinstance(node, yaml.ScalarNode) and _outside(node.value, root):
                    yield _finding(node, f"shenbao 的{label} 指向项目以外的 “{node.value}”", "写成项目内的相对路径")
    for name, options in _listed(top.get("markdown_extensions")):
        if name == "pymdownx.snippets":
            yield from _snippets(_mapping(options), root)


def _listed(node) -> Iterator[tuple[str, object]]:
    """Plugins and extensions as MkDocs lists them: names, or one-key mappings of name to options."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node] if isinstance(node, yaml.MappingNode) else []
    for item in items:
        if isinstance(item, yaml.ScalarNode):
            yield item.value, None
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                yield key.value, value


def _snippets(options: dict, root: Path) -> Iterator[Finding]:
    base = options.get("base_path")
    paths = base.value if isinstance(base, yaml.SequenceNode) else [base] if base is not None else []
    for node in paths:
        if isinstance(node, yaml.ScalarNode) and _outside(node.value, root):
            yield _finding(
                node,
                f"pymdownx.snippets 的 base_path “{node.value}” 在项目以外：页面能插入主机上的文件",
                "写成项目内的目录",
            )
    check = options.get("check_paths")
    if isinstance(check, yaml.ScalarNode) and check.value.lower() in ("false", "no", "off"):
        yield _finding(check, "check_paths: false 让找不到的片段悄悄留空", "删去这一行（默认检查路径）")


def _outside(value: str, root: Path) -> bool:
    """Whether a path from mkdocs.yml (relative to it) leads outside the project folder."""
    try:
        return not (root / value).resolve().is_relative_to(root)
    except (OSError, RuntimeError, ValueError):
        return True
