"""One catalogue, two languages."""

import ast
from pathlib import Path

from pixmania_incidents.i18n import CATALOGUE, tr

PKG = Path(__file__).resolve().parents[2] / "pixmania_incidents"


def test_every_key_has_french_and_english():
    assert CATALOGUE
    for key, pair in CATALOGUE.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        fr, en = pair
        assert fr.strip() and en.strip(), key


def test_placeholders_match_between_languages():
    import string

    for key, (fr, en) in CATALOGUE.items():
        names = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
        assert names(fr) == names(en), key


def test_every_key_used_in_code_exists():
    """t("...")/tr("...") calls with a literal key must name a catalogue key."""
    missing = set()
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in {"t", "tr"}:
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    if node.args[0].value not in CATALOGUE:
                        missing.add(f"{path.name}: {node.args[0].value}")
    assert not missing, sorted(missing)


def test_tr_fills_placeholders_and_falls_back_to_french():
    assert tr("policy.resolution_value", "fr", days=3) == "3 jours ouvrables au maximum"
    assert tr("policy.resolution_value", "en", days=7) == "7 business days at most"
    assert tr("policy.resolution_value", "de", days=3) == "3 jours ouvrables au maximum"
