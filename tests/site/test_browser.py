"""The site as reviewers use it: Debian's chromium driven by Playwright over loopback."""

from __future__ import annotations

import functools
import io
import threading
import urllib.parse
import urllib.request
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import ARTIFACTS

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["index.html", "a-jiben.html", "b-zuofa.html", "c-chengxiao.html", "d-fujian.html", "review.html"]
SCREENSHOTS = ARTIFACTS / "screenshots"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(sample):
    """The built site on a free loopback port, ready when the fixture returns."""
    handler = functools.partial(_QuietHandler, directory=str(sample.site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    for _ in range(100):  # poll until it answers rather than sleeping a fixed time
        try:
            urllib.request.urlopen(base, timeout=1).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    yield base
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors and every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_errors_or_foreign_requests(page, server, path):
    response = page.goto(server + path)
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    foreign = [url for url in page.requests if urllib.parse.urlparse(url).hostname not in ("127.0.0.1", None)]
    assert foreign == [], "the site must work without the internet"
    shoot(page, path.removesuffix(".html"))


def test_numbered_headings_show(page, server):
    page.goto(server + "b-zuofa.html")
    selector = "article h1, article h2, article h3, article h4"
    headings = [h.removesuffix("¶") for h in page.locator(selector).all_inner_texts()]
    assert headings[:4] == ["二、主要做法", "（一）机制建设", "1.明确责任", "（1）责任到人"]


def test_placeholders_are_highlighted(page, server):
    page.goto(server + "a-jiben.html")
    placeholder = page.locator(".placeholder").first
    assert placeholder.inner_text() == "【待填：全县常住人口】"
    background = placeholder.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def search(page, server, words: str):
    """Type into the search box as a person does; Material searches on key-up."""
    page.goto(server + "index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(words)  # IME-style input: no key events for the characters themselves
    box.press("End")
    return page.locator(".md-search-result__item a")


@pytest.mark.parametrize(("words", "target"), [("覆盖率", "a-jiben.html"), ("指导员", "b-zuofa.html")])
def test_search_finds_chinese_words_inside_sentences(page, server, words, target):
    results = search(page, server, words)
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(target in href for href in hrefs), hrefs
    shoot(page, f"search-{words}")
    page.locator(f".md-search-result__item a[href*='{target}']").first.click()
    page.wait_for_url(f"**/{target}*")
    assert words in page.locator("article").inner_text()


def test_search_finds_a_sentence_by_two_words_from_it(page, server):
    results = search(page, server, "美丽乡村 步道")
    results.first.wait_for(timeout=15000)
    assert "b-zuofa.html" in results.first.get_attribute("href")


def test_review_page_links_to_where_a_placeholder_stands(page, server):
    page.goto(server + "review.html")
    assert "3" in page.locator("article").inner_text()
    row = page.locator("tr", has_text="county.population")
    row.locator("a").first.click()
    page.wait_for_url("**/a-jiben.html#*")
    section = page.locator("article")
    assert section.locator(".placeholder[data-figure='county.population']").count() >= 1


def test_docx_download_is_a_valid_docx(page, server):
    page.goto(server + "a-jiben.html")
    link = page.locator(".shenbao-downloads a[download]")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "样例县全民健身示范县申报材料（草稿）.docx"
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        assert "word/document.xml" in archive.namelist()


def test_every_page_shows_its_revision(page, server):
    page.goto(server + "a-jiben.html")
    stamp = page.locator(".shenbao-stamp").inner_text()
    assert "构建版本" in stamp


def test_printing_drops_navigation_but_keeps_placeholders(page, server):
    page.goto(server + "a-jiben.html")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".placeholder").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SCREENSHOTS / "print.pdf"))


def test_home_page_says_how_much_is_still_open(page, server):
    page.goto(server + "index.html")
    banner = page.locator(".shenbao-open")
    assert banner.inner_text() == "尚有 3 项数据待填、1 处原文缺失：见审阅清单。"
    banner.locator("a").click()
    page.wait_for_url("**/review.html")


def test_the_policy_stops_a_script_that_got_past_the_sanitizer(page, server):
    """The second wall: script injected into a published page's content does not run; the theme's own does."""
    url = server + "a-jiben.html"

    def inject(route):
        html = route.fetch().text()
        attack = (
            '<script>document.documentElement.dataset.pwned = "script"</script>'
            '<img src="img/none.png" onerror="document.documentElement.dataset.pwned = \'handler\'">'
        )
        route.fulfill(body=html.replace("<article", attack + "<article", 1), content_type="text/html")

    page.route(url, inject)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("data-pwned") is None
    assert any("Content Security Policy" in error for error in page.errors), page.errors
    assert page.evaluate("() => typeof __md_get") == "function", "the theme's inline script was allowed by its hash"
