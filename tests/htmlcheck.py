"""A small HTML tree and the checks a page of statusboard must pass.

``parse()`` fails on an end tag that closes the wrong element, which catches
most broken templates; ``check_page()`` adds what an accessibility or a CSP
audit would flag first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Elements by tag and attributes (``class_`` matches one class;
        ``True`` only asks that the attribute be there)."""
        found = []
        for node in self.iter():
            if node is self or (tag is not None and node.tag != tag):
                continue
            if all(node._matches(name, value) for name, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def _matches(self, name: str, value: str | bool) -> bool:
        if name == "class_":
            return isinstance(value, str) and value in self.classes
        name = name.rstrip("_").replace("_", "-")
        if value is True:
            return name in self.attrs
        return self.attrs.get(name) == value

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        """The text inside, with whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}> at line {self.getpos()[0]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Node:
    """The document tree; fails on mismatched or unclosed elements."""
    if isinstance(html, bytes):
        html = html.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    unclosed = [node.tag for node in builder.stack[1:]]
    assert not unclosed, f"unclosed elements: {unclosed}"
    return builder.root


def _referenced_ids(node: Node) -> list[str]:
    ids = []
    for attr in ("aria-labelledby", "aria-describedby", "aria-controls"):
        ids.extend((node.attrs.get(attr) or "").split())
    if node.tag == "label" and node.attrs.get("for"):
        ids.append(node.attrs["for"])
    return ids


def check_page(html: str | bytes) -> Node:
    """Parse a full page and assert the basics; return its tree."""
    doc = parse(html)
    root = doc.find("html")
    assert root is not None and root.attrs.get("lang"), "<html> needs a lang"
    for landmark in ("header", "main", "footer"):
        assert doc.find(landmark) is not None, f"no <{landmark}> landmark"

    # A strict Content-Security-Policy refuses inline code and styles.
    for node in doc.iter():
        assert "style" not in node.attrs, f"inline style on <{node.tag}>"
        assert not any(name.startswith("on") for name in node.attrs), (
            f"inline event handler on <{node.tag}>"
        )
    assert doc.find("style") is None, "inline <style>"
    for script in doc.find_all("script"):
        assert script.attrs.get("src"), "inline <script>"

    ids = [node.attrs["id"] for node in doc.iter() if node.attrs.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for node in doc.iter():
        for ref in _referenced_ids(node):
            assert ref in ids, f"<{node.tag}> refers to a missing id {ref!r}"

    # Every control has a label.
    labelled = {node.attrs.get("for") for node in doc.find_all("label")}
    for node in doc.iter():
        if node.tag not in ("input", "select", "textarea"):
            continue
        if node.attrs.get("type") in ("hidden", "submit", "button"):
            continue
        assert (
            node.attrs.get("id") in labelled
            or node.attrs.get("aria-label")
            or node.attrs.get("aria-labelledby")
        ), f"unlabelled <{node.tag} name={node.attrs.get('name')!r}>"

    # One h1, and no level skipped on the way down.
    levels = [int(node.tag[1]) for node in doc.iter() if re.fullmatch(r"h[1-6]", node.tag)]
    assert levels.count(1) == 1, f"expected one h1, got headings {levels}"
    assert levels[0] == 1, f"the first heading is h{levels[0]}"
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"heading h{current} after h{previous}: {levels}"
    return doc
