"""Benchmark: what this project costs over plain MkDocs and plain pandoc.

Generates synthetic applications (Chinese prose with figures, tables, a chart,
footnotes and links between pages) and times, interleaved in one run:

  plain   mkdocs build of the same pages with the figures written in (same theme,
          search and Markdown settings; no macros, no hooks)
  pandoc  pandoc alone, converting the assembled Markdown to DOCX with the same
          reference document and filter
  build   this project's build: site and draft DOCX
  check   this project's make check
  cold    the build again without the search index's remembered words
          (.cache/search-words.sqlite3): every page cut by jieba, as after a fresh clone

and two cases of their own:

  photos  the smallest application with N phone-sized photos (4000×3000 JPEG, noise
          over a gradient, generated here) on 附件 pages: the DOCX's MB, the build
          with a cold image cache and a warm one, against the same build without photos
  serve   seconds from saving a page to the served site showing it, under
          ``shenbao serve`` and under plain ``mkdocs serve`` of the same pages

Usage: python scripts/bench.py [--pages 20 200 1000] [--runs 5] [--photos 100] [--photo-size 4000x3000]
                              [--serve-settle 1.0] [--no-warmup]
       make bench BENCH_ARGS="--pages 2 --runs 1 --photos 2 --photo-size 400x300 --serve-settle 0 --no-warmup"
       (the test suite's smoke run: every case, at a size that proves it runs, not what it costs)
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
KINDS = ("plain", "pandoc", "build", "check", "cold")
SEARCH_WORDS = Path(".cache") / "search-words.sqlite3"  # what the cold build goes without

SENTENCES = [
    "市委、市政府把人口和计划生育工作纳入经济社会发展总体规划，认真落实党政领导和部门责任制",
    "各部门严格按照要求，建立健全了垂直负责体系和重点联系制度，形成齐抓共管的工作格局",
    "通过建立健全各项管理制度，为双创工作纳入科学化、规范化管理轨道提供了有力保障",
    "乡村利用广播、宣传栏、黑板报等设施，分期宣传法律、法规和计划生育基本知识",
    "针对各族群众的不同需求，乡镇逐步开展了十登门、十到人服务活动，群众满意度不断提高",
    "市服务站先后购置了B超、乳腺扫描仪等诊疗仪器，进一步夯实了基层服务的基础建设",
    "在村级逐步推行竞聘上岗，吸收了知识型、专业型的人员，打造了一支业务熟练的服务队伍",
]
UNITS = ["人", "万元", "户", "次", "%"]


# --- the synthetic application ---------------------------------------------------------


def figure_name(page: int, index: int) -> str:
    return f"p{page:04d}.f{index}"


def figure_value(page: int, index: int) -> tuple[float | int, str]:
    unit = UNITS[(page + index) % len(UNITS)]
    value = round(((page * 37 + index * 11) % 9000) / 100, 2) if unit == "%" else (page * 53 + index * 7) % 5000 + 1
    return value, unit


def page_source(page: int, pages: int, with_macros: bool) -> str:
    """One page: a title, three sections of four paragraphs, figures in every paragraph."""

    def fig(index: int) -> str:
        if with_macros:
            return f'{{{{ fig("{figure_name(page, index)}") }}}}'
        value, unit = figure_value(page, index)
        return f"{value}{unit}"

    # a part (一、) every twenty pages, sections (（一）) between, as long applications are built
    lines = [f"# 第{page // 20 + 1}部分工作情况" if page % 20 == 0 else f"## 第{page + 1}项工作情况", ""]
    figure = 0
    for section in range(3):
        lines += [f"### 重点工作{section + 1}", ""]
        for paragraph in range(4):
            sentences = []
            for k in range(3):
                text = SENTENCES[(page + section + paragraph + k) % len(SENTENCES)]
                sentences.append(f"{text}，累计达到{fig(figure % 6)}")
                figure += 1
            lines += ["。".join(sentences) + "。", ""]
    if page % 10 == 0:
        lines += [table_source(page, with_macros), ""]
    if page == 0:
        lines += ['{{ chart("funding") }}' if with_macros else "![经费](funding.svg)\n\n图1　经费", ""]
    following = (page + 1) % pages
    lines += [f"详见[下一部分](page{following:04d}.md#重点工作1)[^n]。", "", "[^n]: 数据来源：统计年报。", ""]
    return "\n".join(lines)


def table_source(page: int, with_macros: bool) -> str:
    if with_macros:
        return f'{{{{ table("t{page:04d}") }}}}'
    rows = ["| 指标 | 数值 | 单位 | 备注 |", "| --- | ---: | :---: | --- |"]
    for index in range(6):
        value, unit = figure_value(page, index)
        rows.append(f"| 指标{index} | {value} | {unit} |  |")
    return "\n".join(rows)


def figures_yaml(pages: int) -> str:
    lines = ["application:", "  title: {label: 申报材料标题, value: 基准测试申报}"]
    for page in range(pages):
        lines.append(f"p{page:04d}:")
        for index in range(6):
            value, unit = figure_value(page, index)
            lines.append(f'  f{index}: {{label: 指标{index}, unit: "{unit}", value: {value}}}')
    return "\n".join(lines) + "\n"


def exhibits_yaml(pages: int) -> str:
    lines = ["tables:"]
    for page in range(0, pages, 10):
        rows = ", ".join(figure_name(page, index) for index in range(6))
        lines.append(f"  t{page:04d}: {{title: 指标表, rows: [{rows}]}}")
    lines += [
        "charts:",
        "  funding:",
        "    title: 经费",
        "    unit: 万元",
        "    categories: [一, 二]",
        f"    series: [{{name: 预算, figures: [{figure_name(0, 1)}, {figure_name(0, 6 - 1)}]}}]",
    ]
    return "\n".join(lines) + "\n"


def make_applications(where: Path, pages: int) -> tuple[Path, Path]:
    """The project variant and the plain variant of one synthetic application."""
    from shenbao.project.scaffold import template_files

    ours, plain = where / "ours", where / "plain"
    new = template_files()  # an application as `shenbao new` starts it, whatever this repository holds
    config = re.sub(r"^nav:\n(?:[ \t]+.*\n)+", "", new["mkdocs.yml"], flags=re.M)
    (ours / "docs").mkdir(parents=True)
    (ours / "data").mkdir()
    (ours / "mkdocs.yml").write_text(config, encoding="utf-8")
    for settings in ("check.yml", "terms.yml", "relations.yml"):
        (ours / "data" / settings).write_text(new[f"data/{settings}"], encoding="utf-8")
    (ours / "data" / "figures.yml").write_text(figures_yaml(pages), encoding="utf-8")
    (ours / "data" / "exhibits.yml").write_text(exhibits_yaml(pages), encoding="utf-8")

    (plain / "docs").mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(plain_config(config), encoding="utf-8")
    for page in range(pages):
        name = f"page{page:04d}.md"
        (ours / "docs" / name).write_text(page_source(page, pages, True), encoding="utf-8")
        (plain / "docs" / name).write_text(page_source(page, pages, False), encoding="utf-8")
    return ours, plain


def plain_config(config: str) -> str:
    """The same site settings without our plugin and macros."""
    config = re.sub(r"^  - macros:\n(?:      .*\n)+", "", config, flags=re.M)
    config = re.sub(r"^  - shenbao\b.*\n", "", config, flags=re.M)
    config = re.sub(r"^hooks:\n(?:  - .*\n)+", "", config, flags=re.M)
    config = re.sub(r"^  custom_dir: .*\n", "", config, flags=re.M)
    # nothing to watch: the plain variant has no data/ and no overrides/, and MkDocs refuses missing folders
    config = re.sub(r"^watch:\n(?:  - .*\n)+", "", config, flags=re.M)
    # our plugin gives headings their Unicode ids; plain MkDocs needs them said, as its users write it
    # (this is the benchmark's own baseline, not a project: the tag is not something a project is asked to run)
    return re.sub(
        r"^(      permalink: true)\b.*$",
        r"\1\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}",
        config,
        count=1,
        flags=re.M,
    )


# --- measuring --------------------------------------------------------------------------

_MEASURE = """
import os, resource, subprocess, sys, time
start = time.perf_counter()
os.chdir(sys.argv[1])
kind, command = sys.argv[2], sys.argv[3:]
if kind == "python":  # run the tool in this process, so its own peak memory is told apart from pandoc's
    sys.argv = command
    import runpy
    try:
        runpy.run_module(command[0], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = exit.code or 0
else:
    code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if kind == "python" else 0
print(elapsed, own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def measure(cwd: Path, kind: str, command: list[str]) -> tuple[float, int, int]:
    """Seconds, the tool's own peak memory and its helpers' (pandoc's), in KiB, of one run."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # what the run before wrote reaches the disk first: a build after the cold photo build (360 MB of
    # copies) would otherwise measure the disk writing them out, not itself
    os.sync()
    result = subprocess.run([PYTHON, "-c", _MEASURE, str(cwd), kind, *command], capture_output=True, text=True, env=env)
    reported = result.stdout.split()[-4:]
    if result.returncode != 0 or len(reported) != 4 or reported[3] != "0":
        # what the command said is the only clue to why a benchmark broke: keep its last lines
        said = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"failed in {cwd}: {' '.join(command)}\n{said}")
    elapsed, own, helpers, _code = reported
    return float(elapsed), int(own), int(helpers)


def prepare_pandoc(ours: Path, plain: Path, work: Path) -> list[str]:
    """The assembled Markdown of the plain pages, and pandoc's command for it."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import pypandoc

    from shenbao.docx.export import assemble, pandoc_args, reference_file
    from shenbao.docx.job import DocxJob
    from shenbao.docx.layout import DEFAULT
    from shenbao.project.document import Document
    from shenbao.project.plugin_options import Mode

    document = Document()
    for page in sorted((plain / "docs").glob("*.md")):
        document.add_page(page.name, page.read_text(encoding="utf-8"), {})
    source = work / "assembled.md"
    job = DocxJob(Mode.DRAFT, DEFAULT, plain / "docs")
    source.write_text(assemble(document, job, anchored=False), encoding="utf-8")
    args = pandoc_args(reference_file(True, DEFAULT), job.sources, DEFAULT)
    return [
        pypandoc.get_pandoc_path(),
        str(source),
        "-f",
        "markdown",
        "-t",
        "docx",
        "-o",
        str(work / "out.docx"),
        *args,
    ]


def commands(ours: Path, plain: Path, pandoc: list[str]) -> dict[str, tuple[Path, str, list[str]]]:
    return {
        "plain": (plain, "python", ["mkdocs", "build", "-q"]),
        "pandoc": (plain, "program", pandoc),
        "build": (ours, "python", ["shenbao", "build"]),
        "check": (ours, "python", ["shenbao", "check"]),
        "cold": (ours, "python", ["shenbao", "build"]),
    }


Result = dict[str, tuple[float, int, int]]  # kind → median seconds, own peak KiB, helpers' peak KiB


# The plain variant's stand-in for the chart: any image will do, it is only copied.
PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'


def run(sizes: list[int], runs: int, warmup: bool = True) -> dict[int, Result]:
    results: dict[int, Result] = {}
    with tempfile.TemporaryDirectory(prefix="shenbao-bench-") as scratch:
        for size in sizes:
            work = Path(scratch) / str(size)
            ours, plain = make_applications(work, size)
            (plain / "docs" / "funding.svg").write_text(PLACEHOLDER_SVG, encoding="utf-8")
            todo = commands(ours, plain, prepare_pandoc(ours, plain, work))
            for task in todo.values() if warmup else ():  # caches (jieba, charts, reference) as a writer has them
                measure(*task)
            samples: dict[str, list[tuple[float, int, int]]] = {kind: [] for kind in KINDS}
            for _ in range(runs):
                for kind in KINDS:  # interleaved, so drift in the machine hits every kind alike
                    if kind == "cold":  # last: it leaves the words remembered again for the next build
                        (ours / SEARCH_WORDS).unlink(missing_ok=True)
                    samples[kind].append(measure(*todo[kind]))
            results[size] = {
                kind: (
                    statistics.median(seconds for seconds, _, _ in values),
                    max(own for _, own, _ in values),
                    max(helpers for _, _, helpers in values),
                )
                for kind, values in samples.items()
            }
            print(f"  {size} pages measured", file=sys.stderr)
    return results


def report(results: dict[int, Result], runs: int) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    columns = ["pages", "plain s", "pandoc s", "build s", "check s", "build/plain", "check/plain", "cold/plain"]
    columns += ["plain MiB", "build MiB", "memory build/plain", "pandoc MiB", "build ms/page"]
    lines = [
        f"machine: {machine}; {date.today()}; median of {runs} runs",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + " ---: |" * len(columns),
    ]
    for size, r in results.items():
        plain, pandoc, build, check, cold = (r[k][0] for k in KINDS)
        plain_mem, build_mem, pandoc_mem = r["plain"][1] / 1024, r["build"][1] / 1024, r["pandoc"][2] / 1024
        cells = [f"{size}", f"{plain:.2f}", f"{pandoc:.2f}", f"{build:.2f}", f"{check:.2f}"]
        cells += [f"{build / plain:.2f}", f"{check / plain:.2f}", f"{cold / plain:.2f}"]
        cells += [f"{plain_mem:.0f}", f"{build_mem:.0f}"]
        cells += [f"{build_mem / plain_mem:.2f}", f"{pandoc_mem:.0f}", f"{build / size * 1000:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "build MiB is the build's own process; pandoc, its helper, peaks as in the pandoc column."]
    lines.append("")
    for size, r in results.items():  # the lines the targets are read from
        lines.append(
            f"ratio build/plain at {size} pages: {r['build'][0] / r['plain'][0]:.2f};"
            f" check/plain {r['check'][0] / r['plain'][0]:.2f}; memory build/plain {r['build'][1] / r['plain'][1]:.2f}"
        )
    return "\n".join(lines)


# --- photos ---------------------------------------------------------------------------

PHOTO_SIZE = (4000, 3000)
PHOTO_PAGE = '---\nkind: attachment\n---\n\n# 活动照片\n\n{{ photos("photos") }}\n'


def phone_photo(path: Path, seed: int, size: tuple[int, int] = PHOTO_SIZE) -> None:
    """A stand-in for a phone photo: a gradient under noise (noise compresses worst of all)."""
    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize(size).rotate(seed * 37 % 360, expand=False)
    noise = Image.effect_noise(size, 24 + seed % 8)
    red = ImageChops.add(gradient, noise, scale=2.0)
    image = Image.merge("RGB", (red, gradient, ImageChops.invert(gradient)))
    image.save(path, "JPEG", quality=92)


def add_photos(app: Path, count: int, size: tuple[int, int] = PHOTO_SIZE) -> Path:
    """The application with ``count`` photos on a page of its own, as a copy beside it."""
    photos = app.with_name(app.name + "-photos")
    shutil.copytree(app, photos, ignore=shutil.ignore_patterns("site", "dist", ".cache"))
    (photos / "docs" / "photos").mkdir()
    for number in range(count):
        phone_photo(photos / "docs" / "photos" / f"{number + 1:03d}-现场照片{number + 1}.jpg", number, size)
    (photos / "docs" / "zz-photos.md").write_text(PHOTO_PAGE, encoding="utf-8")
    return photos


def docx_megabytes(app: Path) -> float:
    return max(p.stat().st_size for p in (app / "dist").glob("*.docx")) / 1_000_000


def run_photos(
    ours: Path, count: int, runs: int, size: tuple[int, int] = PHOTO_SIZE, warmup: bool = True
) -> dict[str, float]:
    """Seconds of the build with photos (cold and warm image cache) and without, and the DOCX's MB."""
    with_photos = add_photos(ours, count, size)
    build = ["shenbao", "build"]
    if warmup:
        measure(ours, "python", build)  # the application without photos, warm, as the baseline
    cold, warm, plain = [], [], []
    for _ in range(runs):
        shutil.rmtree(with_photos / ".cache" / "images", ignore_errors=True)
        cold.append(measure(with_photos, "python", build)[0])
        warm.append(measure(with_photos, "python", build)[0])
        plain.append(measure(ours, "python", build)[0])
    return {
        "photos": count,
        "size": size,
        "docx MB": docx_megabytes(with_photos),
        "docx MB without": docx_megabytes(ours),
        "cold s": statistics.median(cold),
        "warm s": statistics.median(warm),
        "without s": statistics.median(plain),
    }


# --- serve ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return ""


def _wait_for(url: str, text: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in _fetch(url):
            return time.perf_counter() - start
        time.sleep(0.02)
    raise SystemExit(f"serve: {url} did not show {text!r} within {timeout:.0f} s")


def serve_reloads(app: Path, command: list[str], runs: int, settle: float = 1.0, timeout: float = 300) -> float:
    """Median seconds from saving a page to the server sending the page with the change."""
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [PYTHON, "-m", *command, "-a", f"127.0.0.1:{port}"],
        cwd=app,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    page = app / "docs" / "page0000.md"
    original = page.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/page0000.html"
    try:
        _wait_for(url, "工作情况", timeout)
        time.sleep(settle)  # the first build's DOCX, the watcher settling
        seconds = []
        for run in range(runs):
            marker = f"保存标记{run}号"
            page.write_text(original + f"\n{marker}。\n", encoding="utf-8")
            seconds.append(_wait_for(url, marker, timeout))
            if run < runs - 1:
                time.sleep(0.5)  # the rebuild's DOCX, before the next save
        return statistics.median(seconds)
    finally:
        page.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_serve(ours: Path, plain: Path, runs: int, settle: float = 1.0) -> dict[str, float]:
    for app in (ours, plain):  # serve's own pages are served at .html, as build writes them
        config = app / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        if "use_directory_urls" not in text:
            config.write_text(text + "use_directory_urls: false\n", encoding="utf-8")
    return {
        "plain s": serve_reloads(plain, ["mkdocs", "serve"], runs, settle),
        "serve s": serve_reloads(ours, ["shenbao", "serve"], runs, settle),
    }


def case_report(photos: dict[str, float] | None, serve: dict[str, float] | None, pages: int) -> str:
    lines = []
    if photos:
        lines += [
            "",
            f"photos ({pages} pages + {photos['photos']} photos of {photos['size'][0]}×{photos['size'][1]}):",
            "",
            "| photos | DOCX MB | DOCX MB without | cold s | warm s | without s | warm/without |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {photos['photos']} | {photos['docx MB']:.1f} | {photos['docx MB without']:.1f}"
            # three decimals: the target (1.1) is close enough that two would round a miss into a hit
            f" | {photos['cold s']:.2f} | {photos['warm s']:.3f} | {photos['without s']:.3f}"
            f" | {photos['warm s'] / photos['without s']:.3f} |",
        ]
    if serve:
        lines += [
            "",
            f"serve ({pages} pages): save to reloaded page, plain mkdocs serve {serve['plain s']:.2f} s,"
            f" shenbao serve {serve['serve s']:.2f} s",
            f"ratio serve/plain at {pages} pages: {serve['serve s'] / serve['plain s']:.2f}",
        ]
    return "\n".join(lines)


def photo_size(text: str) -> tuple[int, int]:
    """``WxH`` (or ``W×H``) as pixels, for ``--photo-size``."""
    width, sep, height = text.lower().replace("×", "x").partition("x")
    if not sep or not width.isdigit() or not height.isdigit() or int(width) < 16 or int(height) < 16:
        raise argparse.ArgumentTypeError(f"{text!r} is not WxH with both at least 16, e.g. 400x300")
    return int(width), int(height)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", "--sizes", dest="sizes", type=int, nargs="+", default=[20, 200, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-warmup", dest="warmup", action="store_false", help="skip the untimed first run")
    parser.add_argument("--photos", type=int, default=100, help="photos in the photo case (0: no photo case)")
    parser.add_argument("--case-pages", type=int, default=None, help="pages of the photo and serve cases")
    parser.add_argument("--no-serve", dest="serve", action="store_false", help="skip the serve case")
    parser.add_argument(
        "--photo-size", type=photo_size, default=PHOTO_SIZE, metavar="WxH", help="pixels of each photo (4000x3000)"
    )
    parser.add_argument(
        "--serve-settle", type=float, default=1.0, metavar="S", help="seconds between the first page and the first save"
    )
    args = parser.parse_args()
    if min(args.sizes) < 1 or args.runs < 1 or args.photos < 0:
        parser.error("--pages and --runs must be at least 1")
    if args.serve_settle < 0:
        parser.error("--serve-settle must not be negative")
    started = time.perf_counter()
    results = run(args.sizes, args.runs, args.warmup)
    print(report(results, args.runs))
    pages = args.case_pages or min(args.sizes)
    with tempfile.TemporaryDirectory(prefix="shenbao-bench-cases-") as scratch:
        ours, plain = make_applications(Path(scratch), pages)
        (plain / "docs" / "funding.svg").write_text(PLACEHOLDER_SVG, encoding="utf-8")
        photos = run_photos(ours, args.photos, args.runs, args.photo_size, args.warmup) if args.photos else None
        print("  photo case measured", file=sys.stderr)
        serve = run_serve(ours, plain, args.runs, args.serve_settle) if args.serve else None
        print(case_report(photos, serve, pages))
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
