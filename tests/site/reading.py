"""Read a public page as a reader would: its elements and their text, not its markup.

The standard library's HTML parser builds a small tree, so a test can say "the
signatories, in order" or "the row of this penalty" instead of searching raw HTML.
"""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Elements a browser sets apart from their neighbours: their text never runs into the next.
BLOCKS = {"br", "dd", "div", "dt", "h1", "h2", "h3", "h4", "li", "p", "section", "td", "th", "tr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text a reader sees, with runs of white space made single spaces."""
        parts = [
            child
            if isinstance(child, str)
            else f" {child.text} "
            if child.tag in BLOCKS
            else child.text
            for child in self.children
        ]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def find_all(self, tag: str, **attrs: str) -> list["Element"]:
        """Descendants with this tag whose attributes have these values (class_ for class);
        a class matches when it is one of the element's classes."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if child.tag == tag and all(
                value in child.attrs.get(name.rstrip("_"), "").split()
                if name == "class_"
                else child.attrs.get(name.rstrip("_").replace("_", "-")) == value
                for name, value in attrs.items()
            ):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str, **attrs: str) -> "Element":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def has(self, tag: str, **attrs: str) -> bool:
        return bool(self.find_all(tag, **attrs))

    def section(self, heading_id: str) -> "Element":
        """The section a heading with this id labels."""
        return self.find("section", aria_labelledby=heading_id)

    def links(self) -> list[tuple[str, str]]:
        return [(link.text, link.attrs.get("href", "")) for link in self.find_all("a")]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


class Response(Protocol):
    content: bytes


def read(response: Response) -> Element:
    builder = TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def structured_data(page: Element) -> dict[str, Any]:
    """The page's one JSON-LD block, parsed: it must be valid JSON."""
    blocks = page.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads("".join(str(child) for child in blocks[0].children))


def open_graph(page: Element) -> dict[str, str]:
    return {
        meta.attrs["property"]: meta.attrs.get("content", "")
        for meta in page.find_all("meta")
        if meta.attrs.get("property", "").startswith("og:")
    }
