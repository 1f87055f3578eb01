"""The built site: strict build, rendered math, working links, nothing from other origins.

The site is built once per session (conftest.py) with ``mkdocs build --strict``. Every
HTML page is then checked as a browser would see it when the site is served under
``site_url`` (which carries a sub-path, e.g. https://infotheory.github.io/infotheory/):

* no unrendered math delimiters (``\\(``, ``\\[``, ``$$``) outside code;
* every internal href/src (and every url()/@import of the CSS) resolves to a file of the
  site, inside the sub-path, and #fragments to an id of the target page;
* nothing is loaded from another origin: an absolute http(s) URL is allowed only as a
  plain ``<a href>`` (a citation or an external reference);
* the language switcher of each page points at its twin in the other language;
* KaTeX: its stylesheet and fonts are shipped, linked from every page, no math JS.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from .sources import ROOT, language, page_name, rel, site_pages

# --------------------------------------------------------------------------- site layout


def _site_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^site_url:\s*(\S+)\s*$", text, flags=re.MULTILINE)
    assert match, "mkdocs.yml must set site_url"
    url = match[1]
    return url if url.endswith("/") else url + "/"


SITE_URL = _site_url()
ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))
BASE_PATH = urlsplit(SITE_URL).path  # e.g. "/infotheory/"


def output_path(page: Path) -> str:
    """Site-relative HTML file of a Markdown page (use_directory_urls)."""
    name = page_name(page)
    prefix = "es/" if language(page) == "es" else ""
    if name == "index":
        return f"{prefix}index.html"
    if name.endswith("/index"):
        return f"{prefix}{name[: -len('index')]}index.html"
    return f"{prefix}{name}/index.html"


def url_of(html_file: str) -> str:
    """Absolute URL at which a site-relative HTML file is served."""
    directory = html_file[: -len("index.html")] if html_file.endswith("index.html") else html_file
    return SITE_URL + directory


PAGES = site_pages()  # Markdown pages and notebooks (the labs)
HTML_PAGES = {output_path(p): p for p in PAGES}
CHECKED_HTML = sorted(HTML_PAGES) + ["404.html"]

# --------------------------------------------------------------------------- HTML parsing

SKIP_TEXT_IN = {"code", "pre", "script", "style", "textarea", "annotation", "kbd", "samp"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass
class Ref:
    tag: str
    attr: str
    url: str
    rel: str = ""
    cls: str = ""
    hreflang: str = ""


@dataclass
class Page:
    refs: list[Ref] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)  # text outside code/pre/script/...
    lang: str = ""
    katex_spans: int = 0


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.page.ids.add(a[key])
        if "katex" in a.get("class", "").split():
            self.page.katex_spans += 1
        extra = {
            "rel": a.get("rel", ""),
            "cls": a.get("class", ""),
            "hreflang": a.get("hreflang", ""),
        }
        for attr in ("href", "src", "poster", "data", "action", "formaction", "background"):
            if attr in a:
                self.page.refs.append(Ref(tag, attr, a[attr].strip(), **extra))
        for attr in ("srcset", "imagesrcset"):
            for candidate in a.get(attr, "").split(","):
                if candidate.strip():
                    self.page.refs.append(Ref(tag, attr, candidate.split()[0], **extra))
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url=(.+)$", a.get("content", ""), flags=re.IGNORECASE)
            if match:
                self.page.refs.append(Ref(tag, "content", match[1].strip("'\" "), **extra))
        for m in CSS_URL_RE.finditer(a.get("style", "")):
            self.page.refs.append(Ref(tag, "style", m[2] or m[4], **extra))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            for m in CSS_URL_RE.finditer(data):
                self.page.refs.append(Ref("style", "css", m[2] or m[4]))
        if not SKIP_TEXT_IN.intersection(self.stack):
            self.page.text.append(data)


_parsed: dict[Path, Page] = {}


def parse_html(path: Path) -> Page:
    if path not in _parsed:
        parser = _Parser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        _parsed[path] = parser.page
    return _parsed[path]


# --------------------------------------------------------------------------- URL checks

SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "about:")


def resolve(site: Path, base_url: str, ref: str) -> tuple[str, Path | None, str]:
    """Classify a reference: ("external" | "internal" | "outside", file, fragment)."""
    absolute = urljoin(base_url, ref)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return "external", None, ""
    path = unquote(parts.path)
    if not path.startswith(BASE_PATH):
        return "outside", None, ""
    relative = posixpath.normpath(path[len(BASE_PATH) :] or ".")
    if relative.startswith(".."):
        return "outside", None, ""
    target = site / relative
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return "internal", target, unquote(parts.fragment)


def check_ref(site: Path, base_url: str, ref: Ref, where: str) -> str | None:
    """A problem with one reference of a page or stylesheet, or None."""
    url = ref.url
    if not url or url.startswith(SKIPPED_SCHEMES):
        return None
    kind, target, fragment = resolve(site, base_url, url)
    if kind == "external":
        if ref.tag == "a" and ref.attr == "href":
            return None  # a link the reader may follow; loads nothing by itself
        return f"{where}: <{ref.tag} {ref.attr}={url!r}> loads from another origin"
    if kind == "outside":
        return f"{where}: <{ref.tag} {ref.attr}={url!r}> points outside {BASE_PATH}"
    assert target is not None
    if not target.is_file():
        return f"{where}: <{ref.tag} {ref.attr}={url!r}> is broken ({target.relative_to(site)} missing)"
    if fragment and target.suffix == ".html" and fragment not in parse_html(target).ids:
        return f"{where}: <{ref.tag} {ref.attr}={url!r}>: no id {fragment!r} in {target.relative_to(site)}"
    return None


# --------------------------------------------------------------------------- tests


def test_strict_build_succeeds_without_warnings(built_site) -> None:
    assert built_site.returncode == 0, f"`mkdocs build --strict` failed:\n{built_site.log}"
    noisy = [line for line in built_site.log.splitlines() if re.match(r"(WARNING|ERROR)\b", line)]
    assert not noisy, "the build logged warnings or errors:\n" + "\n".join(noisy)


def test_every_page_is_built_and_nothing_else(site: Path) -> None:
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert built == sorted(CHECKED_HTML), (
        "the HTML files of the site are not one per docs/ page plus 404.html:\n"
        f"  missing: {sorted(set(CHECKED_HTML) - set(built))}\n"
        f"  unexpected: {sorted(set(built) - set(CHECKED_HTML))}"
    )


@pytest.mark.parametrize("html_file", CHECKED_HTML)
def test_no_unrendered_math(site: Path, html_file: str) -> None:
    text = "".join(parse_html(site / html_file).text)
    leftovers = sorted({d for d in ("\\(", "\\)", "\\[", "\\]", "$$") if d in text})
    assert not leftovers, (
        f"{html_file}: unrendered math delimiters {leftovers} outside code, e.g. "
        + repr(text[max(0, text.find(leftovers[0]) - 60) : text.find(leftovers[0]) + 60])
        + " (display math needs a blank line before and after it; math in headings is"
        " not rendered, keep headings plain text)"
    )


@pytest.mark.parametrize("html_file", CHECKED_HTML)
def test_links_and_assets_resolve_and_stay_on_site(site: Path, html_file: str) -> None:
    page = parse_html(site / html_file)
    # 404.html is served for any missing path, so its links are absolute (mkdocs does it).
    base_url = url_of(html_file)
    problems = [check_ref(site, base_url, ref, html_file) for ref in page.refs]
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_stylesheets_load_nothing_from_elsewhere(site: Path) -> None:
    problems = []
    for css in sorted(site.rglob("*.css")):
        relative = css.relative_to(site).as_posix()
        for m in CSS_URL_RE.finditer(css.read_text(encoding="utf-8")):
            ref = Ref("css", "@import" if m[4] else "url()", m[2] or m[4])
            problem = check_ref(site, SITE_URL + relative, ref, relative)
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("html_file", sorted(HTML_PAGES))
def test_language_switcher_points_at_twin(site: Path, html_file: str) -> None:
    source = HTML_PAGES[html_file]
    page = parse_html(site / html_file)
    assert page.lang == language(source), f"{html_file}: <html lang={page.lang!r}>"
    own = page_name(source)
    expected = {
        "en": url_of(output_path(source.parent / f"{own.rsplit('/', 1)[-1]}.md")),
        "es": url_of(output_path(source.parent / f"{own.rsplit('/', 1)[-1]}.es.md")),
    }
    switcher = {
        ref.hreflang: urljoin(url_of(html_file), ref.url)
        for ref in page.refs
        if ref.tag == "a" and "md-select__link" in ref.cls.split()
    }
    assert switcher == expected, (
        f"{html_file} ({rel(source)}): the language switcher should lead to the same page "
        f"in each language:\n  expected {expected}\n  found    {switcher}"
    )


def test_katex_is_shipped_and_used(site: Path) -> None:
    css = site / "assets/katex/katex.min.css"
    assert css.is_file(), "assets/katex/katex.min.css missing from the site"
    fonts = {m[2] for m in CSS_URL_RE.finditer(css.read_text(encoding="utf-8")) if m[2]}
    assert fonts, "katex.min.css references no fonts?"
    missing = sorted(f for f in fonts if not (css.parent / f).is_file())
    assert not missing, f"KaTeX fonts missing from the site: {missing}"
    problems = []
    for html_file in CHECKED_HTML:
        page = parse_html(site / html_file)
        sheets = {urljoin(url_of(html_file), r.url) for r in page.refs if "stylesheet" in r.rel}
        if SITE_URL + "assets/katex/katex.min.css" not in sheets:
            problems.append(f"{html_file}: does not link assets/katex/katex.min.css")
        scripts = [r.url for r in page.refs if r.tag == "script"]
        problems += [
            f"{html_file}: ships math JS {s}"
            for s in scripts
            if re.search(r"katex|mathjax", s, re.I)
        ]
    notation = parse_html(site / "notation/index.html")
    if notation.katex_spans == 0:
        problems.append("notation/index.html has math but no KaTeX output")
    assert not problems, "\n".join(problems)


def test_search_covers_both_languages(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert {"en", "es"} <= set(index["config"]["lang"]), index["config"]
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    expected = {output_path(p)[: -len("index.html")] for p in PAGES}
    missing = sorted(expected - locations)
    assert not missing, f"pages missing from the search index: {missing}"
    assert (site / "assets/javascripts/lunr/min/lunr.es.min.js").is_file()


def test_site_url_has_a_sub_path() -> None:
    config = yaml.safe_load(
        re.sub(r"!!python/\S+", "", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    )
    assert BASE_PATH not in ("", "/"), "site_url must carry the repository sub-path"
    assert config["theme"]["font"] is False, "theme.font must stay false (no Google Fonts)"
    assert "navigation.instant" not in config["theme"].get("features", [])
