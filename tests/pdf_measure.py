"""Measuring a rendered PDF as a typesetter does: text lines with their boxes, table rules, the page number."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy
from lxml import etree
from PIL import Image

POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Line:
    page: int  # 0-based
    text: str  # without spaces
    x_min: float  # points from the left edge
    x_max: float
    y_min: float  # points from the top edge
    y_max: float
    words: tuple[tuple[float, str], ...]  # each word's left edge and text


def text_lines(pdf: Path) -> list[Line]:
    """Every text line on every page, in the order pdftotext reads them."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    lines = []
    for number, page in enumerate(root.iter("{*}page")):
        for line in page.iter("{*}line"):
            words = tuple((float(w.get("xMin")), w.text or "") for w in line.iter("{*}word"))
            lines.append(
                Line(
                    number,
                    "".join(text for _, text in words),
                    float(line.get("xMin")),
                    float(line.get("xMax")),
                    float(line.get("yMin")),
                    float(line.get("yMax")),
                    words,
                )
            )
    return lines


def page_images(pdf: Path, directory: Path, resolution: int = 150) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(resolution), str(pdf), str(directory / "p")], check=True)
    return [Image.open(path) for path in sorted(directory.glob("p-*.png"))]


def _dark_counts(image: Image.Image, x_from: int, x_to: int, threshold: int = 160) -> numpy.ndarray:
    """How many dark pixels each pixel row has between two columns."""
    pixels = numpy.asarray(image.convert("L"))[:, x_from:x_to]
    return (pixels < threshold).sum(axis=1)


def _groups(rows: list[int]) -> list[list[int]]:
    """Neighbouring pixel rows as one line: a rule is a pixel or two thick."""
    groups: list[list[int]] = []
    for y in rows:
        if groups and y - groups[-1][-1] <= 2:
            groups[-1].append(y)
        else:
            groups.append([y])
    return groups


def horizontal_rules(image: Image.Image, resolution: int, left_mm: float, width_mm: float) -> list[float]:
    """Heights (points from the top) of lines ruled across at least 90 % of the type area's width."""
    scale = resolution / 25.4
    counts = _dark_counts(image, int((left_mm - 2) * scale), int((left_mm + width_mm + 2) * scale))
    rows = [y for y, count in enumerate(counts) if count >= 0.9 * width_mm * scale]
    return [sum(group) / len(group) * 72 / resolution for group in _groups(rows)]


def dash_height(image: Image.Image, resolution: int, below_mm: float) -> float | None:
    """Millimetres from the top of the page to the middle of the page number's 一字线 below ``below_mm``.

    The two dashes of ``— 1 —`` are the only pixel rows there with several millimetres of ink.
    """
    scale = resolution / 25.4
    counts = _dark_counts(image, 0, image.size[0])
    rows = [y for y, count in enumerate(counts) if y >= below_mm * scale and count >= 6 * scale]
    if not rows:
        return None
    dash = _groups(rows)[0]
    return (dash[0] + dash[-1]) / 2 / scale
