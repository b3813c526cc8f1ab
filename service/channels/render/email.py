"""An article as an email: a complete HTML document with inline styles only, and its text twin.

The HTML is built with class names, sanitized, then the stylesheet below is inlined into
``style`` attributes and a second sanitizing pass drops the classes. Sanitizing comes first
because the first pass would strip the inline styles; the second pass allows ``style`` but only
with the properties this stylesheet uses.
"""

from __future__ import annotations

from html import escape
from typing import Final

import css_inline
import nh3

from schema.article import Article
from schema.sections import Section
from service.channels.render.blocks import section_content_html
from service.channels.render.facts import format_review_line
from service.channels.render.markdown import ALLOWED_TAGS, LINK_REL, URL_SCHEMES
from service.channels.render.references import resolve_references
from service.channels.render.text import render_text

_FONT: Final = "Arial, Helvetica, sans-serif"
_INK: Final = "#1f2933"
_MUTED: Final = "#52606d"
_LINK: Final = "#0b5cad"
_RULE: Final = "#d9dde3"
_BORDER: Final = f"1px solid {_RULE}"

# Element selectors style Markdown output, which carries no classes; class selectors style the
# layout. Every element the email uses appears here, so every one of them ends up with a style.
_STYLESHEET: Final[dict[str, dict[str, str]]] = {
    "table": {"border-collapse": "collapse"},
    "td": {"font-family": _FONT, "color": _INK, "vertical-align": "top"},
    "p": {"margin": "0 0 16px 0", "font-size": "16px", "line-height": "24px"},
    "h1": {"margin": "0", "font-size": "28px", "line-height": "34px", "color": _INK},
    "h2": {"margin": "0 0 12px 0", "font-size": "22px", "line-height": "28px", "color": _INK},
    "h3": {"margin": "16px 0 8px 0", "font-size": "18px", "line-height": "24px"},
    "h4": {"margin": "16px 0 8px 0", "font-size": "16px", "line-height": "22px"},
    "ul": {"margin": "0 0 16px 0", "padding": "0 0 0 24px"},
    "ol": {"margin": "0 0 16px 0", "padding": "0 0 0 24px"},
    "li": {"margin": "0 0 8px 0", "font-size": "16px", "line-height": "24px"},
    "li p": {"margin": "4px 0 0 0"},
    "a": {"color": _LINK, "text-decoration": "underline"},
    "blockquote": {"margin": "0 0 16px 0", "padding": "0 0 0 12px", "border-left": _BORDER},
    "pre": {"margin": "0 0 16px 0", "white-space": "pre-wrap", "font-size": "14px"},
    "code": {"font-family": "Menlo, Consolas, monospace", "font-size": "14px"},
    "hr": {"border": "0", "border-top": _BORDER, "margin": "16px 0"},
    "th": {"font-family": _FONT, "color": _INK, "text-align": "left", "vertical-align": "top"},
    "img": {"display": "block", "border": "0", "width": "100%", "height": "auto"},
    ".outer": {"width": "100%", "background-color": "#f4f4f5"},
    ".outer-cell": {"padding": "24px 0"},
    ".inner": {"width": "600px", "max-width": "100%", "background-color": "#ffffff"},
    ".read-online-cell": {"padding": "12px 24px 0", "text-align": "right", "font-size": "12px"},
    ".read-online": {"color": _MUTED},
    ".header": {"padding": "24px 24px 16px 24px"},
    ".hero": {"padding": "0"},
    ".section": {"padding": "8px 24px 16px 24px"},
    ".footer": {"padding": "16px 24px 24px 24px", "border-top": _BORDER},
    ".review-byline": {"color": _MUTED, "font-size": "14px", "line-height": "20px"},
    ".disclaimer": {"color": _MUTED, "font-size": "12px", "line-height": "18px"},
    ".dosing": {"width": "100%", "margin": "0 0 16px 0", "border": _BORDER},
    ".dosing th": {
        "padding": "6px 8px",
        "font-size": "13px",
        "background-color": "#f0f3f7",
        "border": _BORDER,
    },
    ".dosing td": {"padding": "6px 8px", "font-size": "13px", "border": _BORDER},
    ".cta-link": {
        "display": "inline-block",
        "padding": "12px 20px",
        "background-color": _LINK,
        "color": "#ffffff",
        "text-decoration": "none",
        "font-weight": "bold",
    },
}
_CSS: Final = "\n".join(
    f"{selector} {{ {'; '.join(f'{name}: {value}' for name, value in rules.items())} }}"
    for selector, rules in _STYLESHEET.items()
)
_STYLE_PROPERTIES: Final = {name for rules in _STYLESHEET.values() for name in rules}

_TAGS: Final = set(ALLOWED_TAGS | {"h1", "img"})
_LAYOUT_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "table": {"role", "width", "cellpadding", "cellspacing", "border", "align"},
    "td": {"align", "valign", "width"},
    "th": {"scope"},
    "img": {"src", "alt", "width"},
    "a": {"href", "title"},
}
_INLINER: Final = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
_UNSTYLED: Final = nh3.Cleaner(
    tags=_TAGS,
    attributes={**_LAYOUT_ATTRIBUTES, "*": {"style"}},
    filter_style_properties=_STYLE_PROPERTIES,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
)


def render_email(article: Article, *, web_url: str) -> str:
    """The article as a complete HTML email; ``web_url`` is its page, linked as "Read online".

    Relative links in rich text are resolved against ``web_url`` so every URL is absolute.
    """
    return email_document(article.title, email_body(article, web_url=web_url))


def email_body(article: Article, *, web_url: str) -> str:
    """The article's email body, sanitized and inline-styled: what ``<body>`` holds."""
    article = resolve_references(article)
    classed = nh3.Cleaner(
        tags=_TAGS,
        attributes={**_LAYOUT_ATTRIBUTES, "*": {"class"}},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        url_relative=("rewrite_with_base", web_url),
    ).clean(_body_html(article, web_url=web_url))
    return _UNSTYLED.clean(_INLINER.inline_fragment(classed, _CSS))


def email_document(title: str, body: str) -> str:
    """A complete email document: the head with ``title``, then ``body`` (already styled)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n</head>\n"
        '<body style="margin: 0; padding: 0; background-color: #f4f4f5;">\n'
        f"{body}\n</body>\n</html>\n"
    )


def render_email_text(article: Article, *, web_url: str) -> str:
    """The plain-text part of the email: the text render and a link to the page."""
    return f"{render_text(article).rstrip()}\n\nRead online: {web_url}\n"


def _body_html(article: Article, *, web_url: str) -> str:
    rows = [
        f'<tr><td class="read-online-cell"><a class="read-online" href="{escape(web_url)}">'
        "Read online</a></td></tr>",
        f'<tr><td class="header"><h1>{escape(article.title)}</h1></td></tr>',
    ]
    if article.hero_image:
        rows.append(
            f'<tr><td class="hero"><img src="{escape(article.hero_image)}" width="600" '
            f'alt="{escape(article.title)}"></td></tr>'
        )
    rows.extend(_section_row(section) for section in article.sections)
    rows.append(
        f'<tr><td class="footer"><p class="review-byline">'
        f"{escape(format_review_line(article.review))}</p>"
        f'<p class="disclaimer">{escape(article.disclaimer)}</p></td></tr>'
    )
    return (
        '<table class="outer" role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'border="0"><tr><td class="outer-cell" align="center">'
        '<table class="inner" role="presentation" width="600" cellpadding="0" cellspacing="0" '
        f'border="0">{"".join(rows)}</table></td></tr></table>'
    )


def _section_row(section: Section) -> str:
    return (
        f'<tr><td class="section"><h2>{escape(section.title)}</h2>'
        f"{section_content_html(section)}</td></tr>"
    )
