"""The configuration an old revision is built with: today's mkdocs.yml, never the one from history.

mkdocs.yml is code (``hooks:``, ``!!python/…`` tags, ``!ENV``): a hook committed
once and removed the next day would run on every machine that makes a redline
from that revision. So a revision is built with the project's mkdocs.yml as it
is now, which whoever runs the build already trusts. From the old file, read
with a loader that runs no tag, only what a revision's content depends on is
taken: its ``nav`` (which pages, in which order) and the ``shenbao`` plugin's
options (layout, file names, where its data lives), each checked to be data of
the expected kind and to stay inside the project.
"""

from __future__ import annotations

import io
import posixpath

import yaml
from ruamel.yaml import YAML

from shenbao.errors import ShenbaoError
from shenbao.project.plugin_options import PLUGIN_NAME, ShenbaoConfig

# Options that name a place: taken from history only when they stay inside the copy.
PATH_OPTIONS = ("data_dir", "figures", "exhibits", "output_dir")
# Options that do not change the revision's text: a redline's builds are drafts without PDF or changes page
# (``since`` would ask git, which the exported copy does not have).
BUILD_ONLY = ("mode", "preview", "since")


class RevisionConfigError(ShenbaoError):
    """The old revision's mkdocs.yml cannot be read as plain data."""


class _NoTags(yaml.SafeLoader):
    """Reads a YAML file as data: every tag, ``!!python/…`` or ``!ENV``, becomes nothing."""


_NoTags.add_multi_constructor("", lambda loader, suffix, node: None)


def old_settings(text: str) -> tuple[object, dict | None]:
    """The old file's ``nav`` (None when it had none) and its ``shenbao`` options (None when it had no entry)."""
    try:
        settings = yaml.load(text, Loader=_NoTags) or {}
    except yaml.YAMLError:
        raise RevisionConfigError("这个版本的 mkdocs.yml 不是有效的 YAML", "选择另一个版本") from None
    if not isinstance(settings, dict):
        raise RevisionConfigError("这个版本的 mkdocs.yml 不是一组设置", "选择另一个版本")
    return _nav(settings.get("nav")), _plugin_options(settings.get("plugins"))


def _nav(nav) -> object:
    """A navigation of page paths and titles only: anything else (a tag's None, a number) is dropped."""
    if isinstance(nav, str):
        return nav if _inside(nav) or "://" in nav else None
    if isinstance(nav, list):
        return [item for item in (_nav(entry) for entry in nav) if item is not None]
    if isinstance(nav, dict) and len(nav) == 1:
        ((title, value),) = nav.items()
        value = _nav(value)
        return {str(title): value} if value is not None else None
    return None


def _plugin_options(plugins) -> dict | None:
    if isinstance(plugins, dict) and "plugins" in plugins:  # the whole settings
        plugins = plugins["plugins"]
    entries = plugins.items() if isinstance(plugins, dict) else []
    if isinstance(plugins, list):
        entries = [
            (item, {}) if isinstance(item, str) else next(iter(item.items()))
            for item in plugins
            if isinstance(item, str) or (isinstance(item, dict) and len(item) == 1)
        ]
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options) if isinstance(options, dict) else {}
    return None


def _inside(path: str) -> bool:
    if not isinstance(path, str) or not path or path.startswith(("/", "\\")) or ":" in path:
        return False
    return not posixpath.normpath(path.replace("\\", "/")).startswith("..")


def checked_options(options: dict) -> dict:
    """The old revision's shenbao options that today's plugin knows, of the right type, and inside the project."""
    known = {key for key, _ in ShenbaoConfig._schema}
    kept = {key: value for key, value in options.items() if key in known and key not in BUILD_ONLY}
    for key in PATH_OPTIONS:
        if key in kept and not _inside(kept[key]):
            raise RevisionConfigError(
                f"这个版本的 mkdocs.yml 中 plugins.shenbao.{key} 指向项目以外：{kept[key]!r}",
                "修订稿只用项目内的数据；选择另一个版本",
            )
    config = ShenbaoConfig()
    config.load_dict(kept)
    failed, _ = config.validate()
    for key, _error in failed:
        kept.pop(key, None)  # a setting of an older plugin: today's default serves
    return kept


def config_for_revision(today: str, old: str) -> str:
    """Today's mkdocs.yml with the old revision's ``nav`` and ``shenbao`` options where they differ.

    Today's other settings, tags included, stay as they are: whoever builds already runs them."""
    nav, options = old_settings(old)
    rt = YAML(typ="rt")
    settings = rt.load(today)
    if nav is None:
        settings.pop("nav", None)  # the revision listed no pages: MkDocs takes them in file order
    elif settings.get("nav") != nav:
        settings["nav"] = nav
    if options is None:  # the revision had no shenbao entry (older than the plugin): today's settings serve
        options = _plugin_options(yaml.load(today, Loader=_NoTags) or {}) or {}
    _set_plugin_options(settings, checked_options(options))
    out = io.StringIO()
    rt.dump(settings, out)
    return out.getvalue()


def _set_plugin_options(settings, options: dict) -> None:
    """Replace today's ``shenbao`` entry's options (today's list order and other plugins stay)."""
    plugins = settings.get("plugins")
    if isinstance(plugins, dict):
        plugins[PLUGIN_NAME] = options or None
        return
    if not isinstance(plugins, list):
        return
    for index, item in enumerate(plugins):
        name = item if isinstance(item, str) else next(iter(item), None) if isinstance(item, dict) else None
        if name == PLUGIN_NAME:
            plugins[index] = {PLUGIN_NAME: options} if options else PLUGIN_NAME
            return
