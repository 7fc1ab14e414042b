"""Guidelines: written by support, read by sellers, rendered without any script getting through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from pixmania_incidents.services import guidelines as gl
from pixmania_incidents.services.common import Forbidden, InvalidInput


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<div onclick="alert(1)">x</div>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_raw_html_handlers_or_script_links_get_through(attack):
    html = gl.render_markdown(f"# Titre\n\n{attack}\n\n[ok](https://pixmania.fr)")
    tags = tags_of(html)
    names = {name for name, _ in tags}
    assert names <= {"h1", "p", "a"}, html
    for name, attrs in tags:
        assert not any(k.startswith("on") for k in attrs), html
        if name == "a":
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), html
    assert ("a", {"href": "https://pixmania.fr", "rel": "noopener noreferrer nofollow"}) in tags


def test_markdown_keeps_its_formatting():
    html = gl.render_markdown("## Étapes\n\n1. **Vérifiez** le suivi\n2. *Informez* le client\n\n`code`")
    assert "<h2>Étapes</h2>" in html and "<strong>Vérifiez</strong>" in html and "<em>Informez</em>" in html
    assert "<ol>" in html and "<code>code</code>" in html


def test_support_publishes_sellers_read_by_type_plus_general(world, clock):
    support = world.actor("support")
    general = gl.publish(world.db, support, "guideline", "Répondre vite", "Sous **24 h**.")
    clock.advance(minutes=1)
    damaged = gl.publish(world.db, support, "training", "Photos d'un colis abîmé", "Demandez 3 photos.", "damaged")
    clock.advance(minutes=1)
    gl.publish(world.db, support, "guideline", "Erreur de préparation", "Double contrôle.", "wrong_item")
    seller = world.actor("seller_tech")
    for_damaged = gl.guidelines_for(world.db, seller, "damaged")
    assert [g["title"] for g in for_damaged] == [damaged["title"], general["title"]]
    assert for_damaged[0]["html"] == "<p>Demandez 3 photos.</p>\n" and for_damaged[0]["type_fr"] == "Article endommagé"
    assert len(gl.guidelines_for(world.db, seller)) == 3


def test_only_support_writes_and_customers_do_not_read(world):
    for who in ("seller_tech", "camille", "product"):
        with pytest.raises(Forbidden):
            gl.publish(world.db, world.actor(who), "guideline", "T", "B")
    with pytest.raises(Forbidden):
        gl.guidelines_for(world.db, world.actor("camille"))


def test_input_is_checked_and_update_rewrites(world):
    support = world.actor("support")
    with pytest.raises(InvalidInput):
        gl.publish(world.db, support, "memo", "T", "B")
    with pytest.raises(InvalidInput):
        gl.publish(world.db, support, "guideline", "T", "B", "lost_parrot")
    with pytest.raises(InvalidInput):
        gl.publish(world.db, support, "guideline", "  ", "B")
    row = gl.publish(world.db, support, "guideline", "Ancien titre", "Ancien texte")
    new = gl.update(
        world.db, world.actor("arbitrator"), row["id"], "training", "Nouveau titre", "<b>gras</b> **gras**", "damaged"
    )
    assert new["title"] == "Nouveau titre" and new["kind"] == "training" and new["incident_type"] == "damaged"
    assert new["html"] == "<p>&lt;b&gt;gras&lt;/b&gt; <strong>gras</strong></p>\n"
    assert new["author"] == "Sophie Support"
