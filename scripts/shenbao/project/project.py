"""The application as data: its settings and every data file, loaded once.

``Project`` is the one object the MkDocs plugin, the macros, the checks and
every command ask for pages, figures and exhibits. It knows nothing of
MkDocs' build: ``Project.load("mkdocs.yml")`` works in a script, and the
plugin makes the same object from the configuration MkDocs already parsed.

>>> project = Project.load("mkdocs.yml")          # doctest: +SKIP
>>> project.figures.get_figure("application.title").as_text()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shenbao.errors import LocatedError
from shenbao.project import datafile, settings_files
from shenbao.project import exhibits as exhibits_module
from shenbao.project.datafile import DataFileError
from shenbao.project.document import document_order, nav_paths
from shenbao.project.figures import FigureBook, load_figures
from shenbao.project.plugin_options import PLUGIN_NAME, ShenbaoConfig, option_line, option_problem

CONFIG_FILE = "mkdocs.yml"


class ProjectError(LocatedError):
    """A problem in the project's settings or data, already in the writer's words (file:line: …)."""


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running the Python its tags (``!!python/…``, ``!ENV``) name."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass
class Project:
    """Everything an application is made of, with its paths resolved."""

    root: Path  # the folder of mkdocs.yml
    docs_dir: Path
    options: ShenbaoConfig
    nav: list[str] | None  # page paths below docs/ in navigation order; None: no nav, file order
    figures: FigureBook = field(repr=False)
    exhibits: exhibits_module.Exhibits = field(repr=False)

    # --- making one -------------------------------------------------------------------

    @classmethod
    def load(cls, config_file: str | Path = CONFIG_FILE) -> Project:
        """Read ``mkdocs.yml`` and the data it names, without building anything."""
        config_path = Path(config_file).resolve()
        try:
            text = config_path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ProjectError(
                config_path.name, 0, 0, "找不到项目配置文件", "在项目根目录下运行，或用 -f 指定 mkdocs.yml"
            ) from None
        try:
            settings = yaml.load(text, Loader=_AnyTagLoader) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            raise ProjectError(config_path.name, line, 0, "YAML 格式错误", "检查缩进和冒号后的空格") from None
        root = config_path.parent
        options = validate_options(_plugin_options(settings), config_path.name, text)
        nav = settings.get("nav")
        return cls.from_settings(root, root / (settings.get("docs_dir") or "docs"), options, nav)

    @classmethod
    def from_settings(cls, root: Path, docs_dir: Path, options: ShenbaoConfig, nav) -> Project:
        """The project of an already parsed configuration (the plugin passes MkDocs' own)."""
        figures = _load_figures(root, options)
        exhibits = _load_exhibits(root, options, figures)
        return cls(root, docs_dir, options, None if nav is None else nav_paths(nav), figures, exhibits)

    # --- asking it --------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.root / self.options.data_dir

    def shown(self, path: Path) -> str:
        """A path as the writer sees it in messages: relative to the project, forward slashes."""
        return datafile.shown_path(path, self.root)

    def page_paths(self) -> list[str]:
        """Every Markdown page below docs/, in document order (navigation first)."""
        found = sorted(p.relative_to(self.docs_dir).as_posix() for p in self.docs_dir.rglob("*.md"))
        return document_order(self.nav or [], found) if self.nav is not None else found

    def read_data(self, name: str, empty):
        """A settings file of data/ (``terms.yml`` …) parsed, or ``empty`` where the project has none."""
        path = self.data_dir / name
        if path.exists() or path.is_symlink():
            inside_project(path, self.root, self.shown(path))
        return _read_settings(path, self.shown(path), empty)

    def known_text(self, name: str) -> str:
        """A figure's text when the data has it and it is known, else ''."""
        figure = self.figures.get(name)
        return figure.as_text() if figure is not None and figure.known else ""


def check_inherit(config_file: str | Path) -> None:
    """Refuse an ``INHERIT`` MkDocs could not use or should not read, before MkDocs reads it.

    MkDocs merges the named file into the configuration: ``INHERIT: /etc/passwd`` reads a host file
    (and fails with a Python ``TypeError``, since it is not a mapping). The inherited file must be a
    YAML mapping inside the project.
    """
    path = Path(config_file).resolve()
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # MkDocs reports an unreadable mkdocs.yml itself, and the CLI says it in Chinese
    if not isinstance(root, yaml.MappingNode):
        return
    node = next((value for key, value in root.value if getattr(key, "value", None) == "INHERIT"), None)
    if node is None:
        return
    line = node.start_mark.line + 1
    where = path.name
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        raise ProjectError(where, line, 0, "INHERIT 应写一个文件名", "写项目内另一个 YAML 文件的相对路径，或删去这一行")
    inherited = path.parent / node.value
    if not settings_files.inside(inherited, path.parent):
        raise ProjectError(
            where,
            line,
            0,
            f"INHERIT 指向项目以外的 “{node.value}”：构建会读取主机上的文件",
            "把要继承的设置放进项目内的文件，或删去这一行",
        )
    try:
        data = yaml.load(inherited.read_text(encoding="utf-8-sig"), Loader=_AnyTagLoader)
    except FileNotFoundError:
        raise ProjectError(where, line, 0, f"找不到 INHERIT 的文件 “{node.value}”", "路径相对于 mkdocs.yml") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        raise ProjectError(
            where, line, 0, f"INHERIT 的文件 “{node.value}” 不是一组 YAML 设置", "它应像 mkdocs.yml 一样写“名称: 值”"
        )


def validate_options(options, where: str = CONFIG_FILE, config_text: str = "") -> ShenbaoConfig:
    """Options read outside MkDocs (``shenbao check``), validated exactly as the plugin's are."""
    config = ShenbaoConfig(config_file_path=where)
    config.load_dict(options if isinstance(options, dict) else {})
    failed, _warnings = config.validate()
    if failed:
        key, error = failed[0]
        text, hint = option_problem(key, str(error))
        line = option_line(config_text, key) if config_text else 0
        raise ProjectError(where, line, 0, f"plugins.shenbao.{key}: {text}", hint)
    return config


def _plugin_options(settings: dict) -> dict:
    """The ``shenbao`` entry of ``plugins:``, in either of MkDocs' two spellings."""
    plugins = settings.get("plugins") or []
    if isinstance(plugins, dict):
        return plugins.get(PLUGIN_NAME) or {}
    for item in plugins:
        if isinstance(item, dict) and PLUGIN_NAME in item:
            return item[PLUGIN_NAME] or {}
    return {}


def inside_project(path: Path, root: Path, shown: str) -> None:
    """Refuse a data file that is, or is reached through, a link to a place outside the project.

    The build publishes what data files say (values, the DOCX's file name) and messages quote
    their keys: a link to ``/etc/…`` or another user's file would publish the host's files.
    """
    if not settings_files.inside(path, root):
        raise ProjectError(shown, 0, 0, settings_files.OUTSIDE_MESSAGE, settings_files.OUTSIDE_HINT)


def _load_figures(root: Path, options: ShenbaoConfig) -> FigureBook:
    path = root / options.figures
    inside_project(path, root, options.figures)
    try:
        book = load_figures(path)
    except DataFileError as error:
        raise ProjectError(options.figures, error.line, error.column, error.message, error.hint) from None
    book.path = options.figures
    return book


def _load_exhibits(root: Path, options: ShenbaoConfig, book: FigureBook) -> exhibits_module.Exhibits:
    if (root / options.exhibits).exists() or (root / options.exhibits).is_symlink():
        inside_project(root / options.exhibits, root, options.exhibits)
    try:
        return exhibits_module.load_exhibits(root / options.exhibits, book, options.exhibits)
    except DataFileError as error:
        raise ProjectError(error.path, error.line, error.column, error.message, error.hint) from None


def _read_settings(path: Path, shown: str, empty):
    if not path.exists():
        return empty
    try:
        return datafile.read_yaml(path, shown)[0] or empty
    except datafile.DataFileError as error:
        raise ProjectError(error.path, error.line, error.column, error.message, error.hint) from None
