"""CommonMark Markdown to sanitized HTML and to readable plain text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from markdown_it.utils import EnvType, OptionsDict

# `html: False` escapes raw HTML instead of passing it through; linkify stays off so bare text
# never turns into links an editor did not write. GFM tables are the one extension: dosing and
# comparison tables are common in health content and the sanitizer allows their tags.
_MD: Final = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _render_image_as_alt(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Images are not in the allowlist (a remote image is a tracking pixel in email); their alt
    # text is what survives.
    return escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


_MD.add_render_rule("image", _render_image_as_alt)

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final = {"a": frozenset({"href", "title"})}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "noopener noreferrer nofollow"

_CLEANER: Final = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
)

# A section is already under an <h2>, so Markdown headings are clamped into h2-h4 rather than
# stripped (stripping an <h1> would glue its text to the next paragraph).
_HEADING_TAGS: Final = {"h1": "h2", "h5": "h4", "h6": "h4"}


def sanitize_html(html: str) -> str:
    """Sanitize an HTML fragment down to the conservative rich-text allowlist."""
    return _CLEANER.clean(html)


def markdown_to_html(md: str) -> str:
    """Render Markdown to HTML that is safe to embed: raw HTML escaped, then allowlisted."""
    tokens = _MD.parse(md)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_TAGS.get(token.tag, token.tag)
    return sanitize_html(_MD.renderer.render(tokens, _MD.options, {}))


def markdown_to_text(md: str) -> str:
    """Render Markdown to plain text: blank lines between blocks, list items as ``- ``."""
    root = SyntaxTreeNode(_MD.parse(md))
    return _join_blocks(root.children).strip("\n")


def _join_blocks(nodes: Sequence[SyntaxTreeNode], *, tight: bool = False) -> str:
    blocks = [text for node in nodes if (text := _block_text(node))]
    return ("\n" if tight else "\n\n").join(blocks)


def _block_text(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return _inline_text(node.children)
    if kind in ("bullet_list", "ordered_list"):
        return _list_text(node)
    if kind == "blockquote":
        return _indent(_join_blocks(node.children), "  ")
    if kind in ("code_block", "fence"):
        return _indent(node.content.rstrip("\n"), "    ")
    if kind == "table":
        return _table_text(node)
    # hr and anything unknown: the blank line between blocks already separates them.
    return ""


def _list_text(node: SyntaxTreeNode) -> str:
    start = node.attrs.get("start", 1)
    number = start if isinstance(start, int) else 1
    tight = all(
        child.hidden
        for item in node.children
        for child in item.children
        if child.type == "paragraph"
    )
    items: list[str] = []
    for offset, item in enumerate(node.children):
        marker = f"{number + offset}. " if node.type == "ordered_list" else "- "
        body = _join_blocks(item.children, tight=tight)
        first, _, rest = body.partition("\n")
        lines = [marker + first]
        if rest:
            lines.append(_indent(rest, " " * len(marker)))
        items.append("\n".join(lines))
    return ("\n" if tight else "\n\n").join(items)


def _table_text(node: SyntaxTreeNode) -> str:
    rows = [
        [_inline_text(cell.children) for cell in row.children]
        for part in node.children
        for row in part.children
    ]
    return "\n".join(align_columns(rows))


def align_columns(rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """Lay rows out as left-aligned columns, each column as wide as its widest cell."""
    columns = max((len(row) for row in rows), default=0)
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(columns)]
    return [gap.join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _inline_text(nodes: Sequence[SyntaxTreeNode]) -> str:
    parts: list[str] = []
    for node in nodes:
        if node.type in ("text", "code_inline"):
            parts.append(node.content)
        elif node.type == "softbreak":
            parts.append(" ")
        elif node.type == "hardbreak":
            parts.append("\n")
        else:
            # inline container, emphasis, links, images (their alt text): keep the words only.
            parts.append(_inline_text(node.children))
    return "".join(parts)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))
