"""Markdown to sanitized web HTML, email HTML and plain text: pure functions, no I/O."""

from service.channels.render.email import render_email, render_email_text
from service.channels.render.facts import article_web_url
from service.channels.render.fields import render_rich_text
from service.channels.render.markdown import markdown_to_html, markdown_to_text, sanitize_html
from service.channels.render.text import render_text
from service.channels.render.web import render_web

__all__ = [
    "article_web_url",
    "markdown_to_html",
    "markdown_to_text",
    "render_email",
    "render_email_text",
    "render_rich_text",
    "render_text",
    "render_web",
    "sanitize_html",
]
