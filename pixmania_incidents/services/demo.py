"""Demo data: whether the seed's accounts (with their published password) are in this database.

Why: the demo accounts' password is in the README, so a server reachable by others must not
carry them. The app refuses to start with them outside localhost unless told otherwise, and
pages can say that they show demonstration data.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.models import User
from pixmania_incidents.services.common import reads
from pixmania_incidents.vocabulary import Role

DEMO_PASSWORD = "demo-Pixmania-2026"

# (e-mail, name, role, shop name)
DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("client@demo.example.com", "Camille Martin", Role.customer, None),
    ("client2@demo.example.com", "Lucas Bernard", Role.customer, None),
    ("vendeur.techshop@demo.example.com", "Thomas Leroy", Role.seller, "TechShop"),
    # A shop has several sellers, who assign cases to each other.
    ("vendeur2.techshop@demo.example.com", "Inès Fabre", Role.seller, "TechShop"),
    ("vendeur.maisonplus@demo.example.com", "Julie Moreau", Role.seller, "MaisonPlus"),
    ("vendeur.alsacedeco@demo.example.com", "Paul Schmitt", Role.seller, "AlsaceDeco"),
    ("support@demo.example.com", "Sophie Garnier", Role.support, None),
    ("arbitre@demo.example.com", "Antoine Rousseau", Role.arbitrator, None),
    ("produit@demo.example.com", "Nadia Benali", Role.product, None),
    ("admin@demo.example.com", "Marc Dubois", Role.admin, None),
]


@reads
def demo_data_present(session: Session) -> bool:
    emails = [email for email, *_ in DEMO_ACCOUNTS]
    return session.exec(select(col(User.id)).where(col(User.email).in_(emails)).limit(1)).first() is not None


def start_refusal(session: Session) -> str | None:
    """Why the app must not start here, in one line, or None."""
    if settings.public_url_is_local() or settings.ALLOW_DEMO or not demo_data_present(session):
        return None
    return (
        "the demo accounts (published password) are in the database and the public URL "
        f"{settings.PUBLIC_URL} is not localhost; remove them, or set PIXMANIA_ALLOW_DEMO=1 to serve them anyway"
    )
