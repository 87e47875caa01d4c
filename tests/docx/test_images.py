"""Photos: print copies at 300 dpi, screen copies linked to the original, EXIF gone, the DOCX size budget."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pypandoc
import pytest
from lxml import etree
from PIL import Image

from conftest import W, make_project, run_cli
from ooxml_validation import findings
from shenbao.docx import export, images, photo_sheets
from shenbao.docx.job import DocxJob
from shenbao.docx.layout import DEFAULT
from shenbao.project.document import Document, RenderedPage
from shenbao.project.plugin_options import Mode
from shenbao.site import photo_pages
from shenbao.site import screen_copies as site_images
from wordlike import Review

GPS_IFD, MAKE, MODEL, ORIENTATION = 0x8825, 0x010F, 0x0110, 0x0112


def phone_photo(path: Path, size=(2400, 1800), orientation: int = 1) -> Path:
    """A photo as a phone writes it: a gradient with noise, the place and the phone in its EXIF."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "PhoneMaker", "Phone 15", orientation
    exif[GPS_IFD] = {1: "N", 2: (30.0, 15.0, 12.5), 3: "E", 4: (120.0, 9.0, 1.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif()


def test_the_phone_photo_helper_really_carries_gps(tmp_path):
    exif = exif_of(phone_photo(tmp_path / "a.jpg").read_bytes())
    assert exif.get_ifd(GPS_IFD) and exif[MAKE] == "PhoneMaker"


def test_print_copy_has_the_printed_size_at_300_dpi_and_no_exif(tmp_path):
    source = phone_photo(tmp_path / "a.jpg")
    box = export.print_box(DEFAULT)
    # GB/T 9704's type area is 156 mm wide: 1843 pixels at 300 dpi
    assert box.width == round(156 / 25.4 * 300)
    copy = images.cached_copy(source, box, tmp_path / "cache")
    with Image.open(copy) as printed:
        assert printed.format == "JPEG"
        assert printed.size == images.fitted((2400, 1800), box)
        assert printed.height == box.height and printed.width < box.width  # 4:3 fills the height
        assert round(printed.info["dpi"][0]) == 300
        exif = printed.getexif()
    assert not exif.get_ifd(GPS_IFD) and MAKE not in exif and MODEL not in exif
    assert copy.stat().st_size < source.stat().st_size


def test_exif_orientation_is_applied_so_the_photo_stands_up(tmp_path):
    source = phone_photo(tmp_path / "sideways.jpg", size=(400, 300), orientation=6)  # rotate 90° to view
    copy = images.cached_copy(source, images.FULL, tmp_path / "cache")
    with Image.open(copy) as upright:
        assert upright.size == (300, 400)
        assert ORIENTATION not in upright.getexif()  # applied, not just carried: no viewer turns it twice


def test_png_line_art_stays_lossless(tmp_path):
    art = Image.new("RGB", (300, 200), "white")
    art.paste((0, 0, 0), (10, 10, 290, 12))
    art.save(tmp_path / "art.png")
    copy = images.cached_copy(tmp_path / "art.png", export.print_box(DEFAULT), tmp_path / "cache")
    with Image.open(copy) as kept:
        assert kept.format == "PNG" and kept.convert("RGB").tobytes() == art.tobytes()


def test_an_unchanged_photo_is_never_processed_twice(tmp_path, monkeypatch):
    source = phone_photo(tmp_path / "a.jpg", size=(400, 300))
    first = images.cached_copy(source, images.Box(200, 200), tmp_path / "cache")

    def not_again(*args, **kwargs):
        raise AssertionError("resampled again")

    monkeypatch.setattr(images, "resample", not_again)
    assert images.cached_copy(source, images.Box(200, 200), tmp_path / "cache") == first
    phone_photo(source, size=(401, 300))  # changed content: a new copy is due
    with pytest.raises(AssertionError, match="resampled again"):
        images.cached_copy(source, images.Box(200, 200), tmp_path / "cache")


def test_photos_are_laid_out_two_to_a_page_with_numbered_captions():
    text = photo_pages.photos_markdown(["img/01-开幕式.jpg", "img/02-颁奖.jpg", "img/03 合影 (全体).jpg"])
    sheets = re.findall(r'<div class="(photos[^"]*)" markdown>', text)
    assert sheets == ["photos", "photos next-page"]
    assert re.findall(r"照片(\d)　([^<]+)</div>", text) == [("1", "开幕式"), ("2", "颁奖"), ("3", "合影 (全体)")]
    assert "(img/03%20合影%20%28全体%29.jpg)" in text


def test_screen_copies_are_linked_to_the_original():
    markdown = "![现场](img/a.jpg)\n\n```\n![现场](img/a.jpg)\n```\n\n![图](charts/x.svg)"
    shown = site_images.link_screen_copies(markdown, "sub/page.md", {"sub/img/a.jpg"})
    assert shown.split("\n")[0] == "[![现场](../_screen/sub/img/a.jpg)](img/a.jpg)"
    assert shown.split("\n")[3] == "![现场](img/a.jpg)", "code is left alone"
    assert shown.endswith("![图](charts/x.svg)")


PHOTO_PAGE = '---\nkind: attachment\n---\n\n# 活动照片\n\n{{ photos("photos") }}\n'


def photo_project(tmp_path: Path, fixture: str, count: int = 3, budget: float | None = None) -> Path:
    root = make_project(tmp_path, fixture)
    for number in range(1, count + 1):
        phone_photo(
            root / "docs" / "photos" / f"{number:02d}-活动现场{number}.jpg", orientation=6 if number == 1 else 1
        )
    (root / "docs" / "z-photos.md").write_text(PHOTO_PAGE, encoding="utf-8")
    if budget is not None:
        config = root / "mkdocs.yml"
        text = re.sub(
            r"^  - shenbao\b.*$",
            f"  - shenbao:\n      docx_max_mb: {budget}",
            config.read_text("utf-8"),
            count=1,
            flags=re.M,
        )
        config.write_text(text, "utf-8")
    return root


def test_the_docx_and_the_site_get_resampled_photos_without_location(tmp_path):
    root = photo_project(tmp_path, "draft")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.output
    assert re.search(r"DOCX：dist/.*\.docx（\d+\.\d MB / 20 MB）", result.stdout)
    box = export.print_box(DEFAULT)
    with zipfile.ZipFile(result.docx()) as docx:
        media = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/") and n.endswith(".jpg")]
        body = docx.read("word/document.xml").decode("utf-8")
        stored = {i.compress_type for i in docx.infolist() if i.filename.endswith((".jpg", ".jpeg"))}
    assert stored == {zipfile.ZIP_STORED}, "photos are not deflated again when the package is rewritten"
    sizes = sorted(Image.open(io.BytesIO(data)).size for data in media)
    kept = (root / ".cache" / "images").iterdir()
    cache = {path.read_bytes() for path in kept if path.suffix == ".jpg" and images.STAND_IN not in path.name}
    assert all(data in cache for data in media), "each picture in the DOCX is its print copy, not a stand-in"
    upright = images.fitted((1800, 2400), box)  # the first photo was taken sideways
    assert sizes == sorted([images.fitted((2400, 1800), box)] * 2 + [upright])
    assert all(not exif_of(data).get_ifd(GPS_IFD) and MODEL not in exif_of(data) for data in media)
    assert body.count('w:type="page"') >= 1 and "照片3" in body
    site = result.site
    html = (site / "z-photos.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="photos/01-[^"]+\.jpg"><img alt="活动现场1" src="_screen/photos/01-', html)
    for name in ("photos/01-活动现场1.jpg", "_screen/photos/01-活动现场1.jpg"):
        published = (site / name).read_bytes()
        assert not exif_of(published).get_ifd(GPS_IFD) and MAKE not in exif_of(published)
    with Image.open(site / "_screen/photos/02-活动现场2.jpg") as screen:
        assert screen.size == images.fitted((2400, 1800), site_images.SCREEN)
    with Image.open(site / "photos/01-活动现场1.jpg") as original:
        assert original.size == (1800, 2400), "the linked original is full size and upright"
    cached = {path.stat().st_ino for path in (root / ".cache" / "images").iterdir()}
    for name in ("photos/02-活动现场2.jpg", "_screen/photos/02-活动现场2.jpg"):
        assert (site / name).stat().st_ino in cached, "linked from the image cache, not copied"
    # each photo is printed at its print copy's size at 300 dpi, as pandoc would have measured it
    extents = etree.fromstring(body.encode()).iterfind(".//wp:extent", {"wp": WP})
    emu_per_pixel = 914400 / images.PRINT_DPI
    printed = sorted(
        (round(int(e.get("cx")) / emu_per_pixel), round(int(e.get("cy")) / emu_per_pixel)) for e in extents
    )
    assert [size for size in printed if size in sizes] == sizes


WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def test_print_copies_are_given_their_printed_size_unless_the_page_gives_one(tmp_path):
    copy = images.cached_copy(phone_photo(tmp_path / "a.jpg"), export.print_box(DEFAULT), tmp_path / "cache")
    with Image.open(copy) as printed:
        width, height = printed.size
    size = images.printed_size(copy)
    assert size == f"{{width={width / 300:.4f}in height={height / 300:.4f}in}}"
    page = RenderedPage("p.md", "![甲](img/a.jpg)\n\n![乙](img/a.jpg){width=50%}\n\n![丙](img/b.jpg)\n", {}, ())
    resources = {"img/a.jpg": str(copy)}
    text = export.rewrite_page(page, export.Anchors([page]), "p0-", resources, {str(copy): size})
    assert text.split("\n\n") == [f"![甲]({copy}){size}", f"![乙]({copy}){{width=50%}}", "![丙](img/b.jpg)\n"]


def test_pandoc_is_given_a_stand_in_it_sizes_as_the_print_copy(tmp_path):
    copy = images.cached_copy(phone_photo(tmp_path / "a.jpg"), export.print_box(DEFAULT), tmp_path / "cache")
    made = images.stand_ins([str(copy), str(copy)])
    ((path, stand_in),) = made.values()
    assert Path(path).read_bytes() == stand_in and len(stand_in) < 2000 < copy.stat().st_size
    assert Path(path).parent == copy.parent, "kept beside the copy, for the next build"
    header = copy.read_bytes()
    copy.write_bytes(b"")  # a warm build reads the stand-in it kept, not the copy's header again
    assert images.stand_ins([str(copy)]) == made
    copy.write_bytes(header)
    with Image.open(copy) as printed, Image.open(io.BytesIO(stand_in)) as standing:
        assert (standing.size, standing.info["dpi"]) == (printed.size, printed.info["dpi"])
        with pytest.raises(OSError):
            standing.load()  # no picture in it: nothing of the photo is deflated twice
    other = images.jpeg_stand_in(copy.read_bytes(), b"another")
    assert other != stand_in and b"another" in other
    assert images.jpeg_stand_in(b"\x89PNG\r\n\x1a\n", b"x") is None
    assert images.jpeg_stand_in(b"\xff\xd8\xff\xe0\x00", b"x") is None  # cut off inside its header


def test_an_image_without_dpi_is_left_for_pandoc_to_measure(tmp_path):
    Image.new("RGB", (40, 30)).save(tmp_path / "plain.png")
    assert images.printed_size(tmp_path / "plain.png") is None


def test_a_missing_photo_folder_is_named_at_its_page(tmp_path):
    root = make_project(tmp_path, "draft")
    (root / "docs" / "z-photos.md").write_text(PHOTO_PAGE, encoding="utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "docs/z-photos.md" in result.stderr and "找不到文件夹 docs/photos" in result.stderr


@pytest.mark.render
def test_final_refuses_a_docx_over_its_budget_naming_the_largest_photos(tmp_path):
    root = photo_project(tmp_path, "complete", budget=0.2)
    result = run_cli(root, "final")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert re.search(r"DOCX \d+\.\d MB / 0\.2 MB：终稿超过大小上限 docx_max_mb", result.stderr)
    assert "docs/photos/01-活动现场1.jpg" in result.stderr and "提示：" in result.stderr
    assert not list((root / "dist").glob("*.docx")) and not (root / "site").exists()


# --- photo pages as OpenXML (docx.photo_sheets) ------------------------------------------

PHOTO_SOURCE = (
    '---\nkind: attachment\n---\n\n# 活动照片\n\n说明一段。\n\n{{ photos("photos") }}\n\n以上照片由各乡镇提供。\n'
)


def photo_document(docs: Path, count: int) -> Document:
    """An attachment page as the build renders ``PHOTO_SOURCE``, its photos beside it."""
    for number in range(1, count + 1):
        phone_photo(docs / "photos" / f"{number:02d}-活动现场{number}.jpg", size=(800, 600))
    (docs / "z.md").write_text(PHOTO_SOURCE, encoding="utf-8")
    laid_out = photo_pages.photos_markdown(photo_pages.folder_photos(docs, "z.md", "photos"))
    rendered = PHOTO_SOURCE.split("---\n", 2)[2].replace('{{ photos("photos") }}\n', laid_out)
    document = Document()
    document.add_page("z.md", rendered, {"kind": "attachment"})
    return document


def photo_paragraphs(path: Path) -> list[tuple]:
    """What a reader sees of each paragraph, and what points back to the source, from the page's title on."""
    with zipfile.ZipFile(path) as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
        relations = etree.fromstring(docx.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in relations}
        media = {name: docx.read(name) for name in docx.namelist() if name.startswith("word/media/")}
    seen = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        pictures = [
            (e.get("cx"), e.get("cy"), d.get("descr"), hashlib.sha256(media[f"word/{targets[b]}"]).hexdigest())
            for e, d, b in zip(
                paragraph.iter(f"{{{WP}}}extent"),
                paragraph.iter(f"{{{WP}}}docPr"),
                (b.get(f"{{{R_NS}}}embed") for b in paragraph.iter(f"{{{A_NS}}}blip")),
                strict=True,
            )
        ]
        seen.append(
            (
                None if style is None else style.get(f"{W}val"),
                "".join(t.text or "" for t in paragraph.iter(f"{W}t")),
                tuple(  # each run's text, and whether Word sets its shared characters in the Chinese font
                    (
                        "".join(t.text or "" for t in run.iter(f"{W}t")),
                        run.find(f"{W}rPr/{W}rFonts[@{W}hint='eastAsia']") is not None,
                    )
                    for run in paragraph.iter(f"{W}r")
                    if run.find(f"{W}t") is not None
                ),
                tuple(pictures),
                tuple(b.get(f"{W}name") for b in paragraph.iter(f"{W}bookmarkStart")),
                sum(1 for br in paragraph.iter(f"{W}br") if br.get(f"{W}type") == "page"),
            )
        )
    start = next(i for i, p in enumerate(seen) if p[1] == "活动照片" and p[0] == "AttachmentTitle")
    return seen[start:]


def test_photo_pages_are_written_as_the_paragraphs_pandoc_would_make(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    document = photo_document(docs, 5)
    job = DocxJob(Mode.DRAFT, DEFAULT, docs, image_cache=tmp_path / "cache")
    lifted = export.write_docx(document, tmp_path / "lifted.docx", job)
    with monkeypatch.context() as patched:  # the same pages, every block read by pandoc
        patched.setattr(photo_sheets, "lift", lambda markdown, files: (markdown, photo_sheets.Lifted({}, {})))
        by_pandoc = export.write_docx(document, tmp_path / "pandoc.docx", job)
    assert photo_paragraphs(lifted) == photo_paragraphs(by_pandoc)
    seen = photo_paragraphs(lifted)
    figures = [p for p in seen if p[0] == "Figure" and p[3]]
    captions = [p[1] for p in seen if p[0] == "Caption"]
    assert len(figures) == 5 and captions == [f"照片{n}　活动现场{n}" for n in range(1, 6)]
    assert sum(p[5] for p in seen) == 2, "three sheets: two page breaks"
    assert seen[-1][1] == "以上照片由各乡镇提供。"
    with zipfile.ZipFile(lifted) as docx:
        names = [n for n in docx.namelist() if n.startswith("word/media/")]
        stored = {i.compress_type for i in docx.infolist() if i.filename in names}
    assert names and all(n.startswith("word/media/shenbao-photo-") for n in names), "pandoc saw no picture"
    assert stored == {zipfile.ZIP_STORED}
    assert findings(lifted) == []


def sized_sheets(paths: list[str], sizes: dict[str, str]) -> str:
    """``photos_markdown`` as the assembled document has it: each image with its printed size."""
    text = photo_pages.photos_markdown(paths)
    return re.sub(r"^(!\[[^\]]*\]\(([^)]+)\))$", lambda m: m[1] + sizes.get(m[2], ""), text, flags=re.M)


def unlifted(markdown: str, files: dict[str, Path]) -> bool:
    text, lifted = photo_sheets.lift(markdown, files)
    return text == markdown and not lifted.runs and not lifted.media


def test_only_sheets_that_read_the_same_as_text_and_have_every_print_copy_are_lifted(tmp_path):
    size = "{width=2.0000in height=1.5000in}"
    files = {name: tmp_path / name for name in ("a.jpg", "b.jpg", "c.png", "d.jpg")}
    good = sized_sheets(["a.jpg", "b.jpg", "c.png"], dict.fromkeys(files, size))
    text, lifted = photo_sheets.lift(f"前文。\n\n{good}\n后文。\n", files)
    assert text.count("```{=openxml}") == 1 and len(lifted.runs) == 1, "sheets one after another, one place"
    assert text.startswith("前文。\n") and text.rstrip().endswith("后文。") and "![" not in text
    ((name, paragraphs),) = lifted.runs.items()
    assert f'w:name="{name}"' in text, "the place is a bookmark pandoc copies as it is"
    xml = "".join(etree.tostring(p, encoding="unicode") for p in paragraphs)
    assert xml.count("<w:drawing>") == 3 and xml.count('w:type="page"') == 1
    assert [m.part for m in lifted.media[name]] == [
        f"word/media/shenbao-photo-{n}{s}" for n, s in ((1, ".jpg"), (2, ".jpg"), (3, ".png"))
    ]
    for photo, expected in (("e.jpg", "no print copy"), ("01-“合影”--全体.jpg", "a dash pandoc would make")):
        sheet = sized_sheets([photo], {photo: size})
        known = files if photo == "e.jpg" else files | {photo: files["a.jpg"]}
        assert unlifted(sheet, known), expected
    starred = sized_sheets(["01-*重点*工作.jpg"], {"01-*重点*工作.jpg": size})
    _, lifted = photo_sheets.lift(starred, files | {"01-*重点*工作.jpg": files["a.jpg"]})
    (paragraphs,) = lifted.runs.values()
    assert "".join(paragraphs[1].itertext()) == "照片1　*重点*工作", (
        "a file name's stars are text, as pandoc reads them"
    )
    assert unlifted(starred.replace("\\*", "*"), files | {"01-*重点*工作.jpg": files["a.jpg"]}), "typed emphasis"
    assert unlifted(sized_sheets(["a.jpg"], {}), files), "pandoc measures an image without a printed size"
    by_hand = '<div class="photos" markdown>\n\n![甲](a.jpg){width=2in height=1in}\n\n说明\n\n</div>\n'
    assert unlifted(by_hand, files)


def test_a_comment_on_a_photo_caption_points_to_the_photos_call(tmp_path):
    root = photo_project(tmp_path, "draft")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.output
    review = Review(result.docx())
    review.comment("活动现场2", "换一张清楚的")
    returned = review.save(tmp_path / "returned.docx")
    listed = run_cli(root, "comments", str(returned), "--json")
    assert listed.returncode == 0, listed.output
    (item,) = [item for item in json.loads(listed.stdout) if "换一张" in json.dumps(item, ensure_ascii=False)]
    line = PHOTO_PAGE.split("\n").index('{{ photos("photos") }}') + 1
    assert (item["file"], item["line"]) == ("docs/z-photos.md", line)
    assert "按引文定位" not in item.get("note", ""), "found by the caption's own anchor, not by its text"


CAPTION_TEXTS = [
    "照片1　现场照片1",
    "照片2　“合影”—全体·x",
    "照片3　合影 全体",
    "照片4　ABC",
    "照片5　a b 中",
    "照片6　中\u00a0文",
    "照片7　（全体）。",
    "照片8　が日本 한국",
    "照片9　𠀀字 ab 中",
    "照片10　中\u3000\u3000文",
]


def test_caption_runs_are_cut_and_hinted_as_pandoc_writes_them(tmp_path):
    out = tmp_path / "runs.docx"
    pypandoc.convert_text("\n\n".join(CAPTION_TEXTS), "docx", format="markdown", outputfile=str(out))
    with zipfile.ZipFile(out) as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
    written = [
        [
            ("".join(t.text or "" for t in run.iter(f"{W}t")), run.find(f"{W}rPr/{W}rFonts") is not None)
            for run in paragraph.iter(f"{W}r")
        ]
        for paragraph in body.iter(f"{W}p")
    ]
    assert written[: len(CAPTION_TEXTS)] == [photo_sheets.pandoc_runs(text) for text in CAPTION_TEXTS]


def test_photos_pandoc_drops_with_an_html_comment_put_no_picture_in_the_docx(tmp_path):
    docs = tmp_path / "docs"
    document = photo_document(docs, 2)
    page = document.pages[0]
    text = page.markdown.replace('<div class="photos"', '<!--\n<div class="photos"', 1) + "-->\n"
    document.pages[0] = RenderedPage(page.src_uri, text, page.meta, page.headings, page.attachment)
    job = DocxJob(Mode.DRAFT, DEFAULT, docs, image_cache=tmp_path / "cache")
    written = export.write_docx(document, tmp_path / "commented.docx", job)
    with zipfile.ZipFile(written) as docx:
        assert not [name for name in docx.namelist() if name.startswith("word/media/")]
        assert b"shenbao_photo_sheets" not in docx.read("word/document.xml")
    assert findings(written) == []


def test_photo_names_with_spaces_brackets_percent_and_hash_go_in_as_print_copies(tmp_path):
    root = make_project(tmp_path, "draft")
    names = ["01-开幕 式.jpg", "02-合影(全体).jpg", "03-完成率100%.jpg", "04-第#2组.jpg", "05-x[y](z)_*a*.jpg"]
    for name in names:
        phone_photo(root / "docs" / "photos" / name, size=(900, 600))
    (root / "docs" / "z-photos.md").write_text(PHOTO_PAGE, encoding="utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.output
    with zipfile.ZipFile(result.docx()) as docx:
        media = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/") and n.endswith(".jpg")]
    assert len(media) == len(names), "every photo is in the DOCX"
    assert all(not exif_of(data).get_ifd(GPS_IFD) for data in media), "as its print copy: no place it was taken"
    html = (result.site / "z-photos.html").read_text(encoding="utf-8")
    assert html.count("<img") == len(names)
    for name in names:
        assert (result.site / "photos" / name).exists() and (result.site / "_screen" / "photos" / name).exists()
