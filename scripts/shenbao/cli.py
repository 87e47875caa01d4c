"""One command line for every task: ``python -m shenbao build|final|preview|check``.

Builds go to a scratch folder first and replace ``site/`` and the file in
``dist/`` only when everything succeeded, so a broken build never destroys
the last good output.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

STALE_SCRATCH_SECONDS = 3600  # a scratch folder this old belongs to a build that was killed


class _Plain(logging.Formatter):
    LEVELS = {"WARNING": "警告", "ERROR": "错误", "CRITICAL": "错误"}

    PAGE_ERROR = re.compile(r"^Error reading page '(.+)':$")

    def format(self, record: logging.LogRecord) -> str:
        level = self.LEVELS.get(record.levelname)
        message = self.PAGE_ERROR.sub(r"读取页面 \1 时出错：", record.getMessage())
        return f"{level}：{message}" if level else message


def _quiet_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.handlers[:] = [handler]
    mkdocs_log.setLevel(logging.INFO if verbose else logging.WARNING)
    mkdocs_log.propagate = False
    import jieba  # sets its own logger to DEBUG on import, so quieten it after

    jieba.setLogLevel(logging.WARNING)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def replace_dir(new: Path, target: Path) -> None:
    """Put a finished folder where the old one was, removing the old one last.

    A folder cannot be swapped in one step: if the build is killed between the
    two renames, ``recover_dir`` puts the old one back on the next run.
    """
    old = _old(target)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """Undo what a killed build left: the previous folder set aside, scratch folders."""
    if not target.exists() and _old(target).exists():
        _old(target).rename(target)
    stale = time.time() - STALE_SCRATCH_SECONDS
    for scratch in target.parent.glob(".site-*"):
        if scratch.is_dir() and scratch.stat().st_mtime < stale:
            shutil.rmtree(scratch, ignore_errors=True)


def replace_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def build(
    final: bool, config_file: str | Path = "mkdocs.yml", verbose: bool = False, preview: bool = False, **overrides
) -> Path:
    """Build the site and the DOCX; return the DOCX now in ``dist/``.

    ``overrides`` replace settings of the config file, as MkDocs' own options do.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _quiet_logging(verbose)
    os.environ["SHENBAO_MODE"] = "final" if final else "draft"
    os.environ["SHENBAO_PREVIEW"] = "true" if preview else "false"
    config_path = Path(config_file).resolve()
    project = config_path.parent
    recover_dir(project / "site")
    scratch = Path(tempfile.mkdtemp(prefix=".site-", dir=project))
    try:
        config = load_config(str(config_path), site_dir=str(scratch), **overrides)
        mkdocs_build(config)
        built = sorted((scratch / "downloads").glob("*.docx"))
        if not built:
            raise SystemExit("错误：构建没有生成 DOCX")
        site_dir = project / "site"
        replace_dir(scratch, site_dir)
        docx = project / "dist" / built[0].name
        replace_file(site_dir / "downloads" / built[0].name, docx)
        return docx
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def preview(docx: Path, site_pdf: Path) -> Path:
    """Put the PDF the build rendered, and PNG pages of it, in ``dist/preview/``."""
    from shenbao import render

    out = docx.parent / "preview"
    scratch = Path(tempfile.mkdtemp(prefix=".preview-", dir=docx.parent))
    try:
        pdf = scratch / site_pdf.name
        shutil.copyfile(site_pdf, pdf)
        render.pdf_to_png(pdf, scratch / "pages")
        replace_dir(scratch, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out / pdf.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shenbao", description="申报材料：构建网站和 DOCX，检查正文和数据")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示 MkDocs 的详细日志")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="构建网站（site/）和草稿 DOCX（dist/）")
    commands.add_parser("final", help="构建终稿 DOCX；仍有待填数据或缺失原文时拒绝并列出")
    commands.add_parser("preview", help="构建草稿并用 LibreOffice 渲染为 PDF 和 PNG（dist/preview/）")
    check = commands.add_parser("check", help="检查数据、引用、术语和排版，不修改文件")
    check.add_argument("--fix", action="store_true", help="修正可以无歧义修正的术语和标点")
    args = parser.parse_args(argv)

    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    try:
        if args.command == "check":
            from shenbao.checks import run_checks

            root = Path(args.config_file).resolve().parent
            if unreadable := _unreadable_sources(root, args.fix):
                print("\n".join(unreadable), file=sys.stderr)
                return 1
            return run_checks(root, fix=args.fix)
        project = Path(args.config_file).resolve().parent
        wants_preview = args.command == "preview"
        docx = build(args.command == "final", args.config_file, args.verbose, preview=wants_preview)
        print(f"网站：site/index.html\nDOCX：{docx.relative_to(project)}")
        if wants_preview:
            pdf = preview(docx, project / "site" / "downloads" / docx.with_suffix(".pdf").name)
            print(f"预览：{pdf.parent}（PDF 和 pages/*.png）")
        return 0
    except (PluginError, ConfigurationError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    except Abort:
        # MkDocs has already logged the reason above; its own closing line adds nothing.
        _locate_link_problems(Path(args.config_file).resolve().parent)
        print("构建已中止，上次成功构建的 site/ 和 dist/ 保持不变。", file=sys.stderr)
        return 1


def _unreadable_sources(root: Path, fix: bool) -> list[str]:
    """What stops the checks from reading the sources at all; ``make fix`` first converts encodings."""
    from shenbao import sources

    if fix:
        for done in sources.convert_encodings(root, [root / "docs", root / "data"]):
            print(done)
    return sources.source_problems(root / "docs", root)


def _locate_link_problems(project: Path) -> None:
    """MkDocs names the page of a dead link or missing image, not the line: the checks do."""
    from shenbao import sources
    from shenbao.checks import STRUCTURE_RULES, check_project

    if sources.source_problems(project / "docs", project):  # already said; the checks could not read the pages
        return
    located = [d for d in check_project(project)[0] if d.rule in STRUCTURE_RULES]
    if located:
        print("位置：", file=sys.stderr)
        for diagnostic in located:
            print(f"  {diagnostic}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
