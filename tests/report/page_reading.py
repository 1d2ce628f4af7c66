"""An independent reading of a report page with the standard library's HTML parser (tests only)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "img", "br", "wbr", "hr", "link", "input", "source"}
BLOCKS = {"td", "th", "li", "p", "h1", "h2", "h3", "h4", "figcaption", "pre", "summary", "div", "section"}


@dataclass
class ParsedPage:
    """Every element's attributes, the page's visible text, and nesting errors found while parsing."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    nesting_errors: list[str] = field(default_factory=list)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def images(self) -> dict[str, bytes]:
        """alt text -> decoded bytes of every data-URI image."""
        found = {}
        for attrs in self.all("img"):
            prefix, _, data = attrs["src"].partition(",")
            assert prefix == "data:image/png;base64", prefix
            found[attrs["alt"]] = base64.b64decode(data, validate=True)
        return found

    def visible_text(self) -> str:
        return " ".join("".join(self.text).split())


class _Parser(HTMLParser):
    def __init__(self, page: ParsedPage) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.stack, self.skip = page, [], 0

    def handle_starttag(self, tag, attrs):
        self.page.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)
            self.skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.page.nesting_errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        self.skip -= tag in ("style", "title")
        if tag in BLOCKS:
            self.page.text.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.page.text.append(data)


def parse_page(text: str) -> ParsedPage:
    page = ParsedPage()
    parser = _Parser(page)
    parser.feed(text)
    parser.close()
    if parser.stack:
        page.nesting_errors.append(f"unclosed: {parser.stack}")
    return page
