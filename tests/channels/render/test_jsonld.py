"""The web render's JSON-LD: the review record, and a title that cannot close the script."""

from __future__ import annotations

import json
from typing import Any

from schema.article import Article
from service.channels.render import article_web_url, render_web
from tests.channels.render.documents import BASE_URL, WEB_URL, make_article
from tests.html_documents import Document


def json_ld(html: str) -> dict[str, Any]:
    """The one JSON-LD object in a rendered page."""
    scripts = Document(html).scripts
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0][1])
    return data


def test_render_web_json_ld_matches_the_review_record(article: Article) -> None:
    data = json_ld(render_web(article, base_url=BASE_URL + "/"))
    about = data.pop("about")

    assert [entity["@type"] for entity in about][:2] == ["Drug", "Drug"]

    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "Ketamine therapy for anxiety",
        "description": article.summary,
        "url": article_web_url(BASE_URL, article.slug),
        "lastReviewed": "2025-03-04",
        "reviewedBy": {"@type": "Person", "name": "Dana Lee", "description": "MD, Psychiatry"},
        "datePublished": "2025-02-01T08:00:00Z",
        "dateModified": "2025-03-05T12:30:00Z",
        "image": "https://cdn.example.com/hero.png",
    }
    assert data["url"] == WEB_URL


def test_render_web_title_cannot_close_the_json_ld_script() -> None:
    title = "Ketamine </script><script>alert(1)</script> <!-- x"
    html = render_web(make_article(title=title), base_url=BASE_URL)

    assert html.lower().count("</script") == 1
    assert json_ld(html)["name"] == title
    assert "<h1>Ketamine &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
