"""The application as one document: rendered pages in navigation order.

MkDocs renders pages one at a time; this collects each page's final Markdown
(figures rendered, headings numbered) so the DOCX, the review page and the
final-build refusal all read the very text the site shows.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace

from shenbao.project.markers import MISSING, PLACEHOLDER, Marker, find_markers
from shenbao.project.numbering import Counters, Heading, number_headings

_LABEL_START, _LABEL_END = "\ue020", "\ue021"  # private-use characters no writer types
_LABEL = re.compile(f"{_LABEL_START}(\\d+){_LABEL_END}")
COVER = "cover"  # front matter ``docx: cover`` marks the cover page
ATTACHMENT = "attachment"  # front matter ``kind: attachment`` marks an attachment (附件)


@dataclass(frozen=True)
class RenderedPage:
    src_uri: str  # path below docs/, with forward slashes
    markdown: str  # after macros and numbering
    meta: dict
    headings: tuple[Heading, ...]
    attachment: int = 0  # 附件 number, 0 for the body

    @property
    def title(self) -> str:
        return self.headings[0].title if self.headings else self.src_uri

    @property
    def is_cover(self) -> bool:
        return self.meta.get("docx") == COVER

    @property
    def in_docx(self) -> bool:
        return self.meta.get("docx", True) is not False

    def markers(self) -> list[Marker]:
        return find_markers(self.markdown)

    def section_at(self, line: int) -> Heading | None:
        """The heading a line of the page falls under."""
        before = [h for h in self.headings if h.line <= line]
        return before[-1] if before else None


def resolve_path(src_uri: str, target: str) -> str:
    """A relative link target of a page as a path below docs/ (``../a.md`` from ``sub/b.md`` → ``a.md``)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), target))


def nav_paths(nav) -> list[str]:
    """Every page path a MkDocs ``nav`` setting names, in order."""
    if isinstance(nav, str):
        return [nav]
    items = nav.values() if isinstance(nav, dict) else nav or []
    return [path for item in items for path in nav_paths(item)]


def document_order(nav, paths: list[str]) -> list[str]:
    """Page paths in navigation order; pages the navigation omits come last."""
    known = set(paths)
    in_nav = [path for path in nav_paths(nav) if path in known]
    return in_nav + [path for path in paths if path not in set(in_nav)]


@dataclass(frozen=True)
class Place:
    """Where in the application something stands: a page and the section around it."""

    page: str
    heading: Heading | None


@dataclass
class OpenItem:
    """Something that keeps the application from being final."""

    kind: str
    text: str
    figure: str
    places: list[Place] = field(default_factory=list)

    @property
    def pages(self) -> list[str]:
        return list(dict.fromkeys(place.page for place in self.places))


@dataclass
class Document:
    pages: list[RenderedPage] = field(default_factory=list)
    counters: Counters = field(default_factory=Counters)
    # files the build made (charts), by the path pages link to, as the DOCX embeds them
    resources: dict[str, str] = field(default_factory=dict)

    def add_page(self, src_uri: str, markdown: str, meta: dict) -> str:
        """Number the page's headings, continuing from the pages before it.

        An attachment keeps its headings unnumbered and gets a 附件 number instead;
        the site shows that label above its title.
        """
        attachment = 0
        if meta.get("kind") == ATTACHMENT:
            attachment = 1 + sum(1 for p in self.pages if p.attachment and p.src_uri != src_uri)
        # the cover's title is no section of the body: only the body's headings are numbered
        numbered, headings = number_headings(
            markdown, self.counters, numbered=not attachment and meta.get("docx") != COVER
        )
        self.pages.append(RenderedPage(src_uri, numbered, dict(meta), tuple(headings), attachment))
        if attachment:
            # the label is settled once every page is known: one attachment has no number
            return f'<p class="attachment-label">{_LABEL_START}{attachment}{_LABEL_END}</p>\n\n{numbered}'
        return numbered

    def attachment_label(self, number: int) -> str:
        """附件N, or 附件 alone when the application has one attachment (GB/T 9704 §7.3.4)."""
        return "附件" if len(self.attachments()) == 1 else f"附件{number}"

    def resolve_labels(self, html: str) -> str:
        """Put the settled attachment labels where ``add_page`` left their tokens."""
        return _LABEL.sub(lambda match: self.attachment_label(int(match[1])), html)

    def docx_pages(self) -> list[RenderedPage]:
        return [page for page in self.pages if page.in_docx]

    def attachments(self) -> list[RenderedPage]:
        return [page for page in self.docx_pages() if page.attachment]

    def map_markdown(self, transform) -> None:
        """Rewrite every page's Markdown, e.g. to fill in caption numbers once all are known."""
        self.pages = [replace(page, markdown=transform(page.markdown)) for page in self.pages]

    def open_items(self) -> list[OpenItem]:
        """Unknown figures (once each, with every page using them) and missing text."""
        items: dict[tuple[str, str], OpenItem] = {}
        for page in self.docx_pages():
            for marker in page.markers():
                key = (marker.kind, marker.figure if marker.kind == PLACEHOLDER else f"{page.src_uri}:{marker.text}")
                item = items.setdefault(key, OpenItem(marker.kind, marker.text, marker.figure))
                place = Place(page.src_uri, page.section_at(marker.line))
                if place not in item.places:
                    item.places.append(place)
        return list(items.values())


def open_items_report(items: list[OpenItem], docs_dir_name: str = "docs") -> str:
    """The list the final build refuses with: each item and the pages it is on."""
    unknown = [i for i in items if i.kind == PLACEHOLDER]
    missing = [i for i in items if i.kind == MISSING]
    lines = [f"终稿尚不能生成：{len(unknown)} 项数据待填，{len(missing)} 处原文缺失。"]
    if unknown:
        lines.append("待填数据（在 data/figures.yml 中填写 value）：")
        for item in unknown:
            where = "、".join(f"{docs_dir_name}/{p}" for p in item.pages)
            lines.append(f"  {item.figure}  {item.text}  见 {where}")
    if missing:
        lines.append("原文缺失（补齐正文后删除 missing 标记）：")
        for item in missing:
            lines.append(f"  {item.text}  见 {docs_dir_name}/{item.pages[0]}")
    return "\n".join(lines)
