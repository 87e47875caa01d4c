"""Draw charts of figures: SVG for the site, 300 dpi PNG for the DOCX.

Labels are set in Noto Sans CJK SC, a freely licensed font the project's setup
installs. A chart is drawn again only when its definition or one of its values
changes: files are cached under a key made of both.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict
from pathlib import Path

from shenbao.errors import ShenbaoError
from shenbao.project.exhibits import ChartSpec
from shenbao.project.figures import FigureBook

CJK_FONT = "Noto Sans CJK SC"
PRINT_DPI = 300
STYLE_VERSION = "2"  # bump when the drawing code changes, so cached charts are redrawn


class ChartError(ShenbaoError):
    pass


def chart_key(spec: ChartSpec, book: FigureBook) -> str:
    values = {name: book.get_figure(name).value for name in spec.figure_names()}
    payload = json.dumps([STYLE_VERSION, asdict(spec), values], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def font_path() -> str:
    from matplotlib import font_manager

    try:
        return font_manager.findfont(CJK_FONT, fallback_to_default=False)
    except ValueError:
        raise ChartError(
            f"缺少中文字体 {CJK_FONT}，统计图用它绘制",
            "Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；"
            "Windows、macOS：安装 Noto Sans CJK SC 字体（notofonts/noto-cjk 发布页），然后重新运行",
        ) from None


def render_chart(spec: ChartSpec, book: FigureBook, cache: Path) -> tuple[Path, Path]:
    """The chart's SVG and PNG, drawn now or taken from the cache."""
    key = chart_key(spec, book)
    svg, png = cache / f"{spec.name}-{key}.svg", cache / f"{spec.name}-{key}.png"
    if svg.exists() and png.exists():
        return svg, png
    cache.mkdir(parents=True, exist_ok=True)
    figure = draw(spec, book)
    for path, options in (
        (svg, {"format": "svg", "metadata": {"Date": None}}),
        (png, {"format": "png", "dpi": PRINT_DPI}),
    ):
        partial = path.with_name(path.name + ".part")
        figure.savefig(partial, bbox_inches="tight", **options)
        partial.replace(path)
    return svg, png


def draw(spec: ChartSpec, book: FigureBook):
    """A grouped bar chart; a missing value leaves its bar out and says 待填 in its place."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=font_path())
    plt.rcParams.update({"svg.fonttype": "path", "axes.unicode_minus": False, "svg.hashsalt": spec.name})
    figure, axes = plt.subplots(figsize=(6.2, 3.4))
    count = len(spec.series)
    width = min(0.8 / count, 0.35)  # one series must not fill the plot with a single slab
    greys = ["#4d4d4d", "#a6a6a6", "#d9d9d9", "#262626"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font must not pass silently
        for index, series in enumerate(spec.series):
            for position, name in enumerate(series.figures):
                x = position - count * width / 2 + width * (index + 0.5)  # the group centred on its tick
                value = book.get_figure(name)
                if value.known:
                    axes.bar(x, value.value, width, color=greys[index % len(greys)], edgecolor="black", linewidth=0.5)
                    axes.annotate(
                        value.as_text().removesuffix(spec.unit),
                        (x, value.value),
                        ha="center",
                        va="bottom",
                        fontproperties=font,
                        fontsize=8,
                    )
                else:
                    axes.bar(x, 0, width, color="none")
                    axes.annotate(
                        "待填", (x, 0), ha="center", va="bottom", fontproperties=font, fontsize=8, color="#b00000"
                    )
            # an empty bar carries the legend entry, so a series whose values are all unknown still has one
            axes.bar(0, 0, 0, color=greys[index % len(greys)], edgecolor="black", linewidth=0.5, label=series.name)
        axes.set_xticks(range(len(spec.categories)), spec.categories, fontproperties=font)
        axes.set_xlim(-0.6, len(spec.categories) - 0.4)  # each category a unit wide, however few there are
        axes.set_ylabel(spec.unit, fontproperties=font)
        if count > 1:  # one series needs no key: the caption names it
            axes.legend(prop=font, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axes.margins(y=0.15)  # room above the tallest bar for its value
        for label in axes.get_yticklabels():
            label.set_fontproperties(font)
        axes.spines[["top", "right"]].set_visible(False)
        figure.canvas.draw()
    plt.close(figure)
    return figure
