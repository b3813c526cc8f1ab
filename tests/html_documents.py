"""Rendered HTML read back as a browser would see it: start tags, visible text, scripts, tables."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple


class Element(NamedTuple):
    """One start tag seen by the parser."""

    tag: str
    attrs: dict[str, str | None]


class Document(HTMLParser):
    """An HTML document as elements, visible text, its doctype, scripts and table rows of cells."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self.doctype: str | None = None
        self.scripts: list[tuple[str | None, str]] = []  # (type attribute, body)
        self.tables: list[list[list[str]]] = []
        self._script_type: str | bool | None = False  # False outside a script
        self._cell: list[str] | None = None
        self._open: list[list[list[str]]] = []  # tables nest in email layouts
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; open scripts, tables, rows and cells."""
        self.elements.append(Element(tag, dict(attrs)))
        if tag == "script":
            self._script_type = dict(attrs).get("type")
        elif tag == "table":
            self._open.append([])
            self.tables.append(self._open[-1])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        """Close scripts, tables and cells."""
        if tag == "script":
            self._script_type = False
        elif tag == "table" and self._open:
            self._open.pop()
        elif tag in ("td", "th") and self._cell is not None:
            if self._open and self._open[-1]:
                self._open[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        """Script bodies apart; other text is visible, and a cell's too."""
        if self._script_type is not False:
            self.scripts.append((self._script_type or None, data))
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def handle_decl(self, decl: str) -> None:
        """The doctype."""
        self.doctype = decl

    def tags(self) -> list[str]:
        """The tag names in document order."""
        return [element.tag for element in self.elements]

    def visible_text(self) -> str:
        """The text outside scripts, whitespace collapsed."""
        return " ".join("".join(self.text).split())

    def find_all(self, tag: str) -> list[Element]:
        """Every element with this tag name."""
        return [element for element in self.elements if element.tag == tag]

    def dosing_rows(self) -> list[list[str]]:
        """Body rows of the table whose header starts Therapy, Route, Dose."""
        table = next(t for t in self.tables if t and t[0][:3] == ["Therapy", "Route", "Dose"])
        return table[1:]
