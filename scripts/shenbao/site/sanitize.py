"""What a published page may contain: an allow-list applied to the HTML after Markdown and macros.

The site is built from pull requests and read by others, so a page is
untrusted input. Reading the page's source for ``<script>`` is not enough:
Jinja can assemble what a source filter refuses (``"<scr" ~ "ipt>"``), and
HTML has many spellings of one URL (``&#106;avascript:``, ``java&Tab;script:``).
So the rendered HTML passes through nh3 (the ammonia sanitizer), keeping the
tags and attributes Material, Python-Markdown and our macros emit and nothing
else. ``removals`` says, in the writer's words, what ``clean`` takes out: the
checks report it at its line before the build silently drops it.

One policy function (``kept_value``) decides URLs, ids and classes for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# Tags of ordinary documents: what Markdown, its extensions, Material's page content and our macros produce.
TAGS = frozenset(nh3.ALLOWED_TAGS - {"area", "map", "bdo", "center", "acronym", "strike", "tt"})
# Tags removed with everything inside them: their content is code or a form, never text for the reader.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "textarea", "select", "title"}
)
_ALL = frozenset({"id", "class", "title", "lang"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _ALL,
    "a": frozenset({"href", "download"}),  # the review page's download links
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "style"}),
    "ol": frozenset({"start", "type"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "span": frozenset({"data-figure"}),  # the placeholder of an unknown figure names it
}
STYLE_PROPERTIES = frozenset({"text-align"})  # table columns' alignment; nothing that can cover the page
LINK_SCHEMES = frozenset({"http", "https", "mailto"})  # for <a href> only: images and the like stay local
URL_ATTRIBUTES = frozenset({"href", "src"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers drop these anywhere in a URL before reading its scheme (WHATWG URL: tab and newlines) …
_URL_REMOVED = re.compile(r"[\t\n\r]")
# … and C0 controls and spaces at either end.
_URL_TRIMMED = "".join(chr(c) for c in range(0x21))


def url_problem(tag: str, attribute: str, value: str) -> str | None:
    """Why a URL may not be published (None when it may): code, data, or a resource from elsewhere."""
    url = _URL_REMOVED.sub("", value).strip(_URL_TRIMMED)
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme[1].lower()
        if name in ("javascript", "vbscript", "data", "blob", "file"):
            return f"{name}: 地址"
        if tag == "a" and attribute == "href" and name in LINK_SCHEMES:
            return None
        return f"外部资源 {url[:60]}" if name in ("http", "https") else f"{name}: 地址"
    if url.startswith(("//", "\\\\", "/\\", "\\/")):  # another host, without a scheme
        return None if tag == "a" else f"外部资源 {url[:60]}"
    return None


def kept_value(tag: str, attribute: str, value: str) -> str | None:
    """The value an allowed attribute keeps, or None to drop it (nh3's attribute filter)."""
    if attribute in URL_ATTRIBUTES:
        return None if url_problem(tag, attribute, value) else value
    if attribute == "id" and value.startswith("__"):  # Material's own elements (__config …) are not to be shadowed
        return None
    if attribute == "class":
        kept = [name for name in value.split() if not name.startswith("md-")]  # Material's layout classes
        return " ".join(kept) or None
    return value


def clean(html: str) -> str:
    """The page's HTML with only what a document needs: the published form of every page."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=kept_value,
        strip_comments=True,
        link_rel=None,  # no target= is allowed, so a link cannot reach back into the page that opened it
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
    )


@dataclass(frozen=True)
class Removal:
    what: str  # e.g. "<script>", "属性 onerror", "javascript: 地址"
    text: str  # the start tag it was found in, for locating it in the source


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Removal] = []

    def handle_starttag(self, tag, attrs):
        text = self.get_starttag_text() or f"<{tag}"
        if tag not in TAGS:
            self.found.append(Removal(f"<{tag}>", text))
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                self.found.append(Removal(f"属性 {name}", text))
            elif name in URL_ATTRIBUTES and (problem := url_problem(tag, name, value)):
                self.found.append(Removal(problem, text))
            elif name == "style" and _style_beyond_alignment(value):
                self.found.append(Removal("样式 style", text))

    handle_startendtag = handle_starttag


def _style_beyond_alignment(style: str) -> bool:
    properties = {part.split(":", 1)[0].strip().lower() for part in style.split(";") if part.strip()}
    return bool(properties - STYLE_PROPERTIES)


def removals(html: str) -> list[Removal]:
    """What ``clean`` takes out of ``html``, each with the start tag it was in."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


REMOVAL_HINT = "网站只发布普通的文字、表格和本地图片：删去脚本、事件属性、表单、外部资源和 style"


def removal_message(removal: Removal) -> str:
    return f"发布时会被删去的内容：{removal.what}（{_shown(removal.text)}）"


def _shown(text: str) -> str:
    """The tag as the message quotes it: one line, control characters made visible, not too long."""
    one_line = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return one_line if len(one_line) <= 80 else one_line[:77] + "…"
