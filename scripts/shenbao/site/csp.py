"""The Content-Security-Policy each published page carries: a second wall behind the sanitizer.

The sanitizer (``sanitize``) already removes every script from a page's content.
The policy makes the browser refuse anything the sanitizer might have missed:
no script, style sheet, image or font from another host, no form sent anywhere,
no frame, no plugin.

Material's theme writes a few small inline scripts of its own (the local-storage
helpers in ``<head>``, the tab and palette restore in the body), and their text
depends on the page (the base URL). So the policy is made per page, after the
theme has rendered it: it allows exactly the inline scripts the theme wrote, by
their SHA-256 hash, and none that sits inside the page's content. ``'unsafe-inline'``
is never given to scripts in a built site.

Reading every page whole would cost more than MkDocs' own work on a large
application: Material writes the whole navigation into every page, so a page
grows with the number of pages. Our theme marks the navigation and table of
contents (``NO_SCRIPTS``), which hold no script; they are left out of the reading
like the content. Leaving text out can only take hashes away, never add one: a
script inside a marked region would be refused, not allowed.

Under ``mkdocs serve`` MkDocs adds a live-reload script to every response whose
text carries a per-request number, so it cannot be hashed in advance; there, and
only there, scripts get ``'unsafe-inline'`` (a hash in the same list would switch
``'unsafe-inline'`` off). ``serve`` is the writer's own preview on their own
machine; what it shows has passed the same sanitizer.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

# Types a browser does not run: Material's configuration is a JSON block.
_DATA_TYPES = frozenset({"application/json", "application/ld+json", "text/template"})
BASE = (
    "default-src 'self'",
    # inline style attributes: Material sets them from its bundle, our table alignment too; no style from elsewhere
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",  # Material's icons are inline data: SVGs
    "font-src 'self' data:",
    "connect-src 'self'",  # the search index and, under serve, the live-reload poll
    "worker-src 'self'",  # the search worker
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
)


# Around Material's site_nav block in our theme's main.html; taken out of the published page.
NO_SCRIPTS = ("<!--shenbao:no-scripts-->", "<!--/shenbao:no-scripts-->")


class _InlineScripts(HTMLParser):
    """The text of every ``<script>`` without ``src`` that a browser would run."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").strip().lower()
        self._current = None if "src" in attributes or kind in _DATA_TYPES else []

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.found.append("".join(self._current))
        self._current = None


def inline_scripts(html: str) -> list[str]:
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.found


def script_hash(text: str) -> str:
    """A CSP source for one inline script: its exact text, as the browser hashes it."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(html: str, content: str, serving: bool = False) -> str:
    """The policy for a rendered page: the theme's inline scripts allowed by hash, the content's never."""
    if serving:
        scripts = "script-src 'self' 'unsafe-inline'"  # live reload's per-request script: see the module's note
    else:
        theme_only = _without_marked(html.replace(content, "") if content else html)
        refused = set(inline_scripts(content)) if content else set()
        hashes = sorted({script_hash(text) for text in inline_scripts(theme_only) if text not in refused})
        scripts = " ".join(["script-src 'self'", *hashes])
    return "; ".join([BASE[0], scripts, *BASE[1:]])


def _without_marked(html: str) -> str:
    """The page without its marked regions (the navigation): they hold no script of the theme's."""
    start = html.find(NO_SCRIPTS[0])
    end = html.find(NO_SCRIPTS[1], start)
    if start < 0 or end < 0:
        return html
    return html[:start] + _without_marked(html[end + len(NO_SCRIPTS[1]) :])


_CHARSET = '<meta charset="utf-8">'


def with_policy(html: str, content: str, serving: bool = False) -> str:
    """The page with its policy at the top of ``<head>``, before any script it governs.

    Right after the charset declaration, which must stay within the page's first bytes.
    """
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, content, serving)}">'
    for marker in NO_SCRIPTS:
        html = html.replace(marker, "")
    for anchor in (_CHARSET, "<head>"):
        start = html.find(anchor)
        if start >= 0:
            start += len(anchor)
            return html[:start] + meta + html[start:]
    return meta + html
