"""One command line for every task: ``python -m shenbao build|final|preview|check``.

Builds go to a scratch folder first and replace ``site/`` and the file in
``dist/`` only when everything succeeded, so a broken build never destroys
the last good output.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from shenbao import errors
from shenbao.errors import LocatedError, hinted
from shenbao.project.datafile import shown_path
from shenbao.project.plugin_options import Mode
from shenbao.site import outputs
from shenbao.text.words import segmenter


class _Plain(logging.Formatter):
    LEVELS = {"WARNING": "警告", "ERROR": "错误", "CRITICAL": "错误"}

    PAGE_ERROR = re.compile(r"^Error reading page '(.+)':$")
    SERVE_WORDS = {  # what `serve` says after a failed rebuild
        "Aborted with a BuildError!": "构建已中止。",
        "An error happened during the rebuild. The server will appear stuck until build errors are resolved.": (
            "网站没有重建：改正上面的错误并保存后会自动重建，在此之前浏览器中的页面不会更新。"
        ),
    }
    PLUGIN_OPTION = re.compile(r"^Config value 'plugins': Plugin 'shenbao' option '([^']+)': (.*)$", re.S)

    def __init__(self, config_file: Path | None = None):
        super().__init__()
        self.config_file = config_file

    def format(self, record: logging.LogRecord) -> str:
        level = self.LEVELS.get(record.levelname)
        message = self.PAGE_ERROR.sub(r"读取页面 \1 时出错：", record.getMessage())
        if match := self.PLUGIN_OPTION.match(message):
            message = self._plugin_option(match[1], match[2])
        for english, chinese in self.SERVE_WORDS.items():
            message = message.replace(english, chinese)
        return f"{level}：{message}" if level else message

    def _plugin_option(self, option: str, problem: str) -> str:
        """``mode: finall`` at its line of mkdocs.yml, in Chinese, with the values that would do."""
        from shenbao.project.plugin_options import option_line, option_problem

        text, hint = option_problem(option, problem)
        name, line = "mkdocs.yml", 0
        if self.config_file is not None:
            name = self.config_file.name
            with contextlib.suppress(OSError, UnicodeDecodeError):
                line = option_line(self.config_file.read_text(encoding="utf-8"), option)
        return str(LocatedError(name, line, 0, f"plugins.shenbao.{option}: {text}", hint))


def _quiet_logging(verbose: bool, config_file: Path | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain(config_file))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.handlers[:] = [handler]
    mkdocs_log.setLevel(logging.INFO if verbose else logging.WARNING)
    mkdocs_log.propagate = False
    own = logging.getLogger("shenbao")  # the plugin's advice, which strict mode must not count
    own.handlers[:] = [handler]
    own.propagate = False
    segmenter()  # the site's search imports jieba, which sets its own logger to DEBUG: quieten it first
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def build(
    mode: Mode,
    config_file: str | Path = "mkdocs.yml",
    verbose: bool = False,
    preview: bool = False,
    since: str | None = None,
    **overrides,
) -> tuple[Path, str]:
    """Build the site and the DOCX as ``mkdocs build`` does; return the DOCX now in ``dist/``
    and its size against the budget (``14.2 MB / 20 MB``: submission systems cap uploads).

    ``overrides`` replace settings of the config file, as MkDocs' own options do.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from shenbao.project.plugin_options import PLUGIN_NAME
    from shenbao.site import export_job, readiness

    readiness.use_checks(_run_checks, CHECK_MODULES)  # check sits above the site: it is handed down, not imported
    # the export's and the checks' fork server imports its modules (0.3 s) on the second core
    # while MkDocs loads its config here: the first job started then need not wait for it
    export_job.start_server()
    config_path = Path(config_file).resolve()
    _quiet_logging(verbose, config_path)
    root = config_path.parent
    site_target = root / "site"
    outputs.recover_dir(site_target)
    with outputs.scratch_dir(root) as scratch:
        config = load_config(str(config_path), site_dir=str(scratch), **overrides)
        plugin = config.plugins.get(PLUGIN_NAME)
        if plugin is None:
            raise SystemExit("错误：" + hinted("mkdocs.yml 的 plugins 中缺少 shenbao", "写在 macros 之前：- shenbao"))
        plugin.config["mode"] = mode.value
        plugin.config["preview"] = preview
        if since:
            plugin.config["since"] = since
        # the same events, in the same order, as `mkdocs build`: other plugins behave alike under both
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        built = scratch / config.extra["docx_file"]
        if not built.exists():
            raise SystemExit("错误：构建没有生成 DOCX")
        dist = root / plugin.config.output_dir
        files = {built: dist / built.name}
        folders = {}
        if preview:
            folders[_preview_pages(built.with_suffix(".pdf"), dist)] = dist / "preview"
        outputs.publish(scratch, site_target, files, folders)
        return dist / built.name, plugin.size_report


def _preview_pages(pdf: Path, dist: Path) -> Path:
    """The PDF the build rendered and PNG pages of it, in a folder that becomes ``dist/preview/``."""
    from shenbao.docx import render

    dist.mkdir(parents=True, exist_ok=True)
    outputs.remove_dead_scratch(dist)
    folder = Path(tempfile.mkdtemp(prefix=".preview-", dir=dist))
    shutil.copyfile(pdf, folder / pdf.name)
    render.pdf_to_png(folder / pdf.name, folder / "pages")
    return folder


CHECK_MODULES = ("shenbao.cli", "shenbao.check.runner")  # what _run_checks needs in the build's check process


def _run_checks(root: Path):
    """What ``shenbao check`` reports, for the checklist page and ``final``."""
    from shenbao.check.rule import ERROR
    from shenbao.check.runner import check_project
    from shenbao.site import readiness

    errors, warnings = [], []
    for diagnostic in check_project(root).diagnostics:
        problem = readiness.Problem(diagnostic.path, diagnostic.line, f"{diagnostic.rule}: {diagnostic.message}")
        (errors if diagnostic.severity == ERROR else warnings).append(problem)
    return readiness.CheckStatus(True, errors, warnings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shenbao", description="申报材料：构建网站和 DOCX，检查正文和数据")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示 MkDocs 的详细日志")
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="构建网站（site/）和草稿 DOCX（dist/）")
    build_command.add_argument("--since", help="网站上加一页“自 <修订版本> 以来的修改”")
    final = commands.add_parser("final", help="构建终稿 DOCX；仍有待填数据、缺失原文或检查错误时拒绝并列出")
    final.add_argument("--allow-check-errors", action="store_true", help="shenbao check 报告错误时仍生成终稿")
    commands.add_parser("preview", help="构建草稿并用 LibreOffice 渲染为 PDF 和 PNG（dist/preview/）")
    check = commands.add_parser("check", help="检查数据、引用、术语和排版，不修改文件")
    check.add_argument("--fix", action="store_true", help="修正可以无歧义修正的术语和标点")
    serve = commands.add_parser("serve", help="本地预览网站，保存即刷新")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="地址和端口（默认 127.0.0.1:8000）")
    new = commands.add_parser("new", help="新建一份可以立即构建的申报材料")
    new.add_argument("directory", help="新项目的文件夹（不存在或为空）")
    new.add_argument("--title", help="材料标题（默认：示例标题，可在 data/figures.yml 中修改）")
    new.add_argument("--from", dest="source", help="从这个 Word 文件开始（.docx/.doc/.wps）：不放示例页面，直接导入")
    check.add_argument("--unsafe-fixes", action="store_true", help="与 --fix 同用：也做需要逐处确认的修正")
    check.add_argument("--select", default="", help="只运行这些规则（逗号分隔），优先于 data/check.yml")
    check.add_argument("--ignore", default="", help="不运行这些规则（逗号分隔）")
    check.add_argument("--list-rules", action="store_true", help="列出所有规则")
    check.add_argument("--markdown", action="store_true", help="与 --list-rules 同用：输出 README 中的规则表")
    check.add_argument("--explain", metavar="RULE", help="显示一条规则的说明")
    imports = commands.add_parser("import", help="把 Word 文件（.docx）导入为页面和数据")
    imports.add_argument("file", help="要导入的 .docx 文件")
    imports.add_argument("--into", help="导入到哪个项目文件夹（默认：mkdocs.yml 所在文件夹）")
    imports.add_argument("--prefix", default="imported", help="新数据项的分组名（默认 imported）")
    imports.add_argument("--force", action="store_true", help="覆盖已有的同名页面和数据")
    comments = commands.add_parser("comments", help="列出审阅后 DOCX 中的批注和修订及其源文件行号，不修改文件")
    comments.add_argument("file", help="审阅者返回的 DOCX")
    comments.add_argument("--json", action="store_true", help="以 JSON 输出，供其他工具使用")
    redline = commands.add_parser("redline", help="生成两个修订版本之间的修订稿 DOCX（Word 修订）")
    redline.add_argument("--from", dest="base", required=True, help="审阅者看过的版本（git 修订版本）")
    redline.add_argument("--to", dest="head", default="", help="新版本；不写时为当前工作区")
    sheet = commands.add_parser("sheet", help="填报表：把待填数据导出为 Excel 工作簿，或把填好的工作簿导入数据")
    sheet_commands = sheet.add_subparsers(dest="sheet_command", required=True)
    sheet_export = sheet_commands.add_parser("export", help="导出待填数据的工作簿（.xlsx）")
    sheet_export.add_argument("--all", action="store_true", help="也列出已知的值，供填报单位核对")
    sheet_export.add_argument("--group", default="", help="只导出这一分组的数据项（如 county）")
    sheet_export.add_argument("--per-group", action="store_true", help="每个分组一个工作表（默认全部在一个工作表中）")
    sheet_export.add_argument("-o", "--output", help="工作簿的路径（默认 dist/填报表.xlsx）")
    sheet_import = sheet_commands.add_parser("import", help="把填好的工作簿导入 data/figures.yml")
    sheet_import.add_argument("file", help="填好的 .xlsx 工作簿")
    sheet_import.add_argument("--force", action="store_true", help="用表中的值覆盖已有的不同的值")
    args = parser.parse_args(argv)
    if args.command == "import":
        return cmd_import(args)
    if args.command == "sheet":
        return sheet_command(args)

    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from shenbao.project.project import ProjectError, check_inherit

    try:
        if args.command == "new":
            return _new(args.directory, args.title, args.source)
        if args.command in ("build", "final", "preview", "serve") and not Path(args.config_file).is_file():
            print(
                "错误："
                + str(
                    LocatedError(
                        args.config_file, 0, 0, "找不到项目配置文件", "在项目根目录下运行，或用 -f 指定 mkdocs.yml"
                    )
                ),
                file=sys.stderr,
            )
            return 1
        if args.command in ("build", "final", "preview", "serve"):
            check_inherit(args.config_file)
        if args.command == "serve":
            return _serve(args.config_file, args.dev_addr)
        if args.command == "check":
            return check_command(args)
        if args.command == "comments":
            return comments_command(Path(args.file), Path(args.config_file).resolve().parent, args.json)
        if args.command == "redline":
            return redline_command(Path(args.config_file).resolve().parent, args.base, args.head)
        project = Path(args.config_file).resolve().parent
        if args.command == "final" and not args.allow_check_errors and _check_refuses(project):
            return 1
        wants_preview = args.command == "preview"
        since = getattr(args, "since", None)
        mode = Mode.FINAL if args.command == "final" else Mode.DRAFT
        docx, size = build(mode, args.config_file, args.verbose, preview=wants_preview, since=since)
        print(f"网站：site/index.html\nDOCX：{shown_path(docx, project)}（{size}）")
        if wants_preview:
            print(f"预览：{shown_path(docx.parent / 'preview', project)}（PDF 和 pages/*.png）")
        return 0
    except (PluginError, ConfigurationError, ProjectError, outputs.OutputError) as error:
        print(f"错误：{_config_yaml_error(str(error), args.config_file)}", file=sys.stderr)
        if isinstance(error, ConfigurationError):
            print("构建已中止，上次成功构建的 site/ 和 dist/ 保持不变。", file=sys.stderr)
        return 1
    except Abort:
        # MkDocs has already logged the reason above; its own closing line adds nothing.
        _locate_link_problems(Path(args.config_file).resolve().parent)
        print("构建已中止，上次成功构建的 site/ 和 dist/ 保持不变。", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a folder without write permission: the scratch build is dropped
        print(f"错误：{os_error_message(error, Path(args.config_file).resolve().parent)}", file=sys.stderr)
        if args.command in ("build", "final", "preview"):
            print("构建已中止，上次成功构建的 site/ 和 dist/ 保持不变。", file=sys.stderr)
        return 1


def os_error_message(error: OSError, project: Path) -> str:
    """An operating system's refusal in the writer's words, naming the file relative to the project."""
    return errors.os_error_message(error, shown_path(error.filename, project) if error.filename else "")


_CONFIG_YAML = re.compile(
    r"^MkDocs encountered an error parsing the configuration file: (?:.*\n)?(?P<problem>[^\n]*)\n"
    r"\s*in \"[^\"]*\", line (?P<line>\d+), column (?P<column>\d+)",
)


def _config_yaml_error(message: str, config_file: str) -> str:
    """MkDocs' English about a mkdocs.yml it cannot parse, as file:line:column and a hint."""
    match = _CONFIG_YAML.match(message)
    if match is None:
        return message
    name = Path(config_file).name
    where = (name, int(match["line"]), int(match["column"]))
    return str(LocatedError(*where, f"YAML 格式错误：{match['problem']}", "检查缩进、冒号后的空格和括号、引号是否成对"))


def _serve(config_file: str, dev_addr: str) -> int:
    """``mkdocs serve`` with the project's settings; the DOCX follows each rebuild without delaying it."""
    from mkdocs.commands.serve import serve

    from shenbao.site import readiness

    readiness.use_checks(_run_checks, CHECK_MODULES)  # the checklist shows check's status after every rebuild
    config_path = Path(config_file).resolve()
    _quiet_logging(False, config_path)  # errors in Chinese, as build says them
    logging.getLogger("mkdocs").setLevel(logging.INFO)  # "Serving on …", each rebuild
    logging.getLogger("mkdocs.plugins.mkdocs_macros").setLevel(logging.WARNING)  # its start-up listing
    serve(config_file=str(config_path), dev_addr=dev_addr)
    return 0


def _new(directory: str, title: str | None, source: str | None = None) -> int:
    from shenbao.project import scaffold

    target = Path(directory)
    if source and not Path(source).is_file():
        from shenbao.errors import hinted

        print(f"错误：{source}: {hinted('文件不存在', '检查文件名和路径')}", file=sys.stderr)
        return 1
    try:
        written = scaffold.new_project(target, title, example=not source)
    except scaffold.ScaffoldError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    print(f"已新建申报材料：{target}（{len(written)} 个文件）")
    if source:
        return _import_into(Path(source), target.resolve(), "imported", True, target)
    print(f"下一步：cd {target} && shenbao build && shenbao check")
    return 0


def check_command(args: argparse.Namespace) -> int:
    from shenbao.check import rule_docs
    from shenbao.check.registry import BY_ID
    from shenbao.check.runner import run_checks

    if args.list_rules:
        print(rule_docs.rule_table() if args.markdown else rule_docs.rule_list())
        return 0
    if args.explain:
        if args.explain not in BY_ID:
            print(f"错误：没有规则 “{args.explain}”（shenbao check --list-rules 列出所有规则）", file=sys.stderr)
            return 2
        print(rule_docs.explain(BY_ID[args.explain]))
        return 0
    select, ignore = [r for r in args.select.split(",") if r], [r for r in args.ignore.split(",") if r]
    unknown = [r for r in select + ignore if r not in BY_ID]
    if unknown:
        print(f"错误：没有规则 “{'、'.join(unknown)}”（shenbao check --list-rules 列出所有规则）", file=sys.stderr)
        return 2
    root = Path(args.config_file).resolve().parent
    if unreadable := _unreadable_sources(root, args.fix):
        print("\n".join(unreadable), file=sys.stderr)
        return 1
    return run_checks(root, fix=args.fix, unsafe_fixes=args.unsafe_fixes, select=select, ignore=ignore)


def _check_refuses(root: Path) -> bool:
    """``final`` refuses what ``check`` calls an error, listing each as the open values are listed."""
    status = _run_checks(root)
    if not status.errors:
        return False
    print(f"错误：shenbao check 报告 {len(status.errors)} 个错误，不能生成终稿：", file=sys.stderr)
    for problem in status.errors:
        print(f"  {problem}", file=sys.stderr)
    print("改正后再运行 shenbao final（确需先出终稿时加 --allow-check-errors）。", file=sys.stderr)
    return True


def sheet_command(args: argparse.Namespace) -> int:
    """``sheet export`` and ``sheet import``: every problem one Chinese line, never a traceback."""
    from shenbao.errors import ShenbaoError
    from shenbao.project.project import Project, ProjectError
    from shenbao.project.sheets import importing, workbook
    from shenbao.text import textfile

    config = Path(args.config_file).resolve()
    try:
        project = Project.load(config)
        if args.sheet_command == "export":
            data = workbook.project_workbook(project, args.all, args.group, args.per_group)
            out = (
                Path(args.output) if args.output else project.root / project.options.output_dir / workbook.DEFAULT_NAME
            )
            count = len(workbook.chosen_figures(project, args.all, args.group))
            out.parent.mkdir(parents=True, exist_ok=True)
            textfile.write_atomically(out, data)  # an earlier workbook stays whole until this one is
            print(f"填报表：{shown_path(out, project.root)}（{count} 项）")
            return 0
        outcome = importing.import_workbook(
            Path(args.file), project.root / project.options.figures, project.options.figures, args.force
        )
    except (ProjectError, ShenbaoError, OSError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    print(outcome.summary())
    if outcome.written:
        print(f"已写入 {project.options.figures}")
    return 1 if outcome.refused else 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a Word file; every refusal is one Chinese line, never a traceback."""
    project = Path(args.into) if args.into else Path(args.config_file).resolve().parent
    return _import_into(Path(args.file), project.resolve(), args.prefix, args.force, project)


def _import_into(file: Path, project: Path, prefix: str, force: bool, shown: Path) -> int:
    from shenbao.importer.docx_reader import ImportProblem
    from shenbao.importer.write_project import REPORT_NAME, import_docx

    try:
        report = import_docx(file, project, prefix, force)
    except ImportProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    print(report.text())
    print(f"导入报告已写入 {shown / REPORT_NAME}")
    return 0


def comments_command(docx: Path, project: Path, as_json: bool) -> int:
    """Print every comment and tracked change of a reviewed DOCX at its source line."""
    import json

    from shenbao.word import comments

    try:
        found = comments.remarks(docx, comments.load_sources(project))
    except comments.ReviewFileError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    try:
        if as_json:
            print(json.dumps([r.as_json() for r in found], ensure_ascii=False, indent=2))
        else:
            print("\n".join(str(r) for r in found) if found else "没有批注或修订。")
    except BrokenPipeError:  # the reader (head, less) stopped reading: that is not an error
        sys.stderr.close()
    return 0


def redline_command(project: Path, base: str, head: str) -> int:
    """Write the DOCX in which every change from ``base`` to ``head`` is a Word tracked change."""
    from shenbao.word import redline

    try:
        out = redline.make_redline(project, base, head or None)
    except redline.RedlineError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    print(f"修订稿：{out.relative_to(project)}")
    return 0


def _unreadable_sources(root: Path, fix: bool) -> list[str]:
    """What stops the checks from reading the sources at all; ``make fix`` first converts encodings."""
    from shenbao.project import sources

    if fix:
        for done in sources.convert_encodings(root, [root / "docs", root / "data"]):
            print(done)
    return sources.source_problems(root / "docs", root)


def _locate_link_problems(project: Path) -> None:
    """MkDocs names the page of a dead link or missing image, not the line: the checks do."""
    from shenbao.check.runner import STRUCTURE_RULES, check_project
    from shenbao.project import sources

    if sources.source_problems(project / "docs", project):  # already said; the checks could not read the pages
        return
    located = [d for d in check_project(project).diagnostics if d.rule in STRUCTURE_RULES]
    if located:
        print("位置：", file=sys.stderr)
        for diagnostic in located:
            print(f"  {diagnostic}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
