"""Demo data: three shops, ~40 listings, ~120 orders, ~30 incidents in every state.

Incidents are built through the services with the clock moved into the past, so
their events, deadlines and obligations are exactly what real use would produce.
Instants are relative to the moment of seeding, and a scenario whose open deadline
would turn within an hour of that moment is replayed a few hours earlier, so the
screens stay stable while someone looks at them.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image
from sqlmodel import Session, func, select

from pixmania_incidents.calendar import as_utc, paris_date
from pixmania_incidents.models import (
    ChecklistItem,
    CustomerOrder,
    Deadline,
    Incident,
    Listing,
    Obligation,
    OrderLine,
    Role,
    Shipment,
    Shop,
    User,
)
from pixmania_incidents.policy import Solution, type_policy
from pixmania_incidents.services import flags, fulfilment, incidents, sweep
from pixmania_incidents.services.auth import hash_password
from pixmania_incidents.services.common import Actor, now, set_clock
from pixmania_incidents.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from pixmania_incidents.services.evidence import Upload

EXTRA_CUSTOMERS = [
    "Emma Petit",
    "Hugo Richard",
    "Léa Durand",
    "Louis Lefebvre",
    "Chloé Michel",
    "Gabriel Garcia",
    "Manon David",
    "Arthur Bertrand",
    "Inès Roux",
    "Jules Vincent",
]

SHOPS = [
    # name, address, calendar kind, subdivision, working hours
    ("TechShop", "TechShop, 12 rue de l'Innovation, 69003 Lyon", "ouvrables", None, ("08:00", "19:00")),
    ("MaisonPlus", "MaisonPlus, 4 avenue des Artisans, 33000 Bordeaux", "ouvres", None, ("09:00", "18:00")),
    ("AlsaceDeco", "AlsaceDeco, 8 quai des Bateliers, 67000 Strasbourg", "ouvrables", "6AE", ("08:30", "18:30")),
]

LISTINGS = {
    "TechShop": [
        ("Casque audio sans fil Pulse 700", 12999),
        ("Smartphone Nova X 128 Go", 49900),
        ("Chargeur USB-C 65 W", 3499),
        ("Enceinte Bluetooth Rumble", 8999),
        ('Tablette Lumio 10"', 27900),
        ("Souris ergonomique Flow", 4599),
        ("Clavier mécanique K84", 8900),
        ('Écran 27" QHD Vista', 31900),
        ("Webcam 4K StreamPro", 11900),
        ("Disque SSD 1 To Rapid", 9490),
        ("Montre connectée Fit 3", 15900),
        ("Routeur Wi-Fi 6 Mesh", 17900),
        ("Batterie externe 20 000 mAh", 3990),
        ("Câble HDMI 2.1 2 m", 1999),
    ],
    "MaisonPlus": [
        ("Cafetière italienne 6 tasses", 3490),
        ("Aspirateur balai Sweep 2", 19900),
        ("Lampe de chevet Lune", 4900),
        ("Set de 6 verres à vin", 2990),
        ("Couette tempérée 220x240", 6990),
        ("Poêle antiadhésive 28 cm", 3990),
        ("Robot pâtissier Chef", 24900),
        ("Parure de lit lin lavé", 8990),
        ("Miroir rond 60 cm", 5990),
        ("Bouilloire inox 1,7 L", 3590),
        ("Tapis berbère 160x230", 14900),
        ("Boîtes de conservation x10", 2490),
        ("Horloge murale Scandi", 3290),
    ],
    "AlsaceDeco": [
        ("Kougelhopf en céramique", 2890),
        ("Nappe brodée 150x250", 5490),
        ("Set de 4 bredele emporte-pièces", 1290),
        ("Lanterne en fer forgé", 4290),
        ("Coussin motif cigogne", 2490),
        ("Plateau en bois de chêne", 3990),
        ("Bougeoir en grès", 1990),
        ("Vase soufflé bouche", 6490),
        ("Torchons imprimés x3", 1890),
        ("Horloge coucou murale", 18900),
        ("Guirlande lumineuse 10 m", 2290),
        ("Cadre photo ardoise", 1590),
        ("Carafe gravée 1 L", 3490),
    ],
}

CARRIERS = ("Colissimo", "Chronopost", "Mondial Relay", "DPD")


@dataclass
class _Ctx:
    session: Session
    users: dict[str, User]
    shops: dict[str, Shop]
    real_now: datetime
    shift: timedelta = timedelta(0)

    def at(self, hours_ago: float) -> None:
        """Move the service clock to `hours_ago` before the seeding moment."""
        instant = self.real_now - self.shift - timedelta(hours=hours_ago)
        set_clock(lambda: instant)

    def actor(self, email: str) -> Actor:
        return Actor.of(self.users[email])

    def seller_of(self, shop: str) -> Actor:
        shop_id = self.shops[shop].id
        return Actor.of(next(u for u in self.users.values() if u.role == Role.seller and u.shop_id == shop_id))


def seed(session: Session, only_if_empty: bool = False) -> bool:
    """Load the demo data; a second run adds nothing. Returns whether anything was added."""
    if only_if_empty and session.exec(select(func.count()).select_from(User)).one() > 0:
        return False
    if session.exec(select(User).where(User.email == DEMO_ACCOUNTS[0][0])).first() is not None:
        return False
    rng = random.Random(2026)
    real_now = now()
    try:
        shops = _shops(session)
        users = _accounts(session, shops)
        lines = _catalogue_and_orders(session, rng, shops, users, real_now)
        session.flush()
        _incidents(_Ctx(session, users, shops, real_now), lines)
        session.commit()
        # What the app's sweep would do on its first pass: at risk and breached clocks now.
        sweep.run(session.get_bind(), real_now)
    finally:
        set_clock(None)
    return True


def _shops(session: Session) -> dict[str, Shop]:
    shops = {}
    for name, address, kind, subdiv, (start, end) in SHOPS:
        shop = Shop(name=name, address=address, calendar_kind=kind, subdiv=subdiv, work_start=start, work_end=end)
        session.add(shop)
        shops[name] = shop
    session.flush()
    return shops


def _accounts(session: Session, shops: dict[str, Shop]) -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)
    people = [*DEMO_ACCOUNTS, *((_extra_email(n), n, Role.customer, None) for n in EXTRA_CUSTOMERS)]
    users = {}
    for i, (email, name, role, shop) in enumerate(people):
        user = User(
            email=email,
            name=name,
            role=role,
            shop_id=shops[shop].id if shop else None,
            password_hash=password_hash,
            phone=f"06 12 34 {i:02d} {i * 7 % 100:02d}",
            address=f"{10 + i} rue de la République, 750{i % 20 + 1:02d} Paris" if role == Role.customer else "",
        )
        session.add(user)
        users[email] = user
    session.flush()
    return users


def _extra_email(name: str) -> str:
    first, last = name.lower().replace("é", "e").replace("è", "e").replace("ï", "i").split(" ", 1)
    return f"{first}.{last}@demo.example.com"


def _catalogue_and_orders(
    session: Session, rng: random.Random, shops: dict[str, Shop], users: dict[str, User], real_now: datetime
) -> dict[str, list[OrderLine]]:
    """~120 orders; every customer has delivered orders from the first two shops."""
    listings: dict[str, list[Listing]] = {}
    for shop_name, items in LISTINGS.items():
        listings[shop_name] = []
        for n, (title, price) in enumerate(items, start=1):
            listing = Listing(
                shop_id=shops[shop_name].id,
                sku=f"{shop_name[:3].upper()}-{n:04d}",
                title=title,
                description=f"{title}. Vendu et expédié par {shop_name}.",
                price_cents=price,
            )
            session.add(listing)
            listings[shop_name].append(listing)
    session.flush()
    customers = [u for u in users.values() if u.role == Role.customer]
    lines: dict[str, list[OrderLine]] = {u.email: [] for u in customers}
    number = 0
    for customer in customers:
        for k in range(10):
            number += 1
            shop_name = ("TechShop", "MaisonPlus", "AlsaceDeco")[k % 3]
            placed = real_now - timedelta(days=6 + k * 3, hours=rng.randint(0, 20))
            order = CustomerOrder(
                reference=f"CMD-2026-{number:05d}",
                customer_id=customer.id,
                shop_id=shops[shop_name].id,
                placed_at=placed,
                shipping_address=customer.address,
            )
            session.add(order)
            session.flush()
            # Camille's orders have two lines each, so some always stay free to report on.
            per_order = 2 if customer.email == DEMO_ACCOUNTS[0][0] else rng.choice((1, 1, 2))
            for listing in rng.sample(listings[shop_name], per_order):
                qty = rng.choice((1, 1, 1, 2))
                line = OrderLine(
                    order_id=order.id,
                    listing_id=listing.id,
                    quantity=qty,
                    unit_price_cents=listing.price_cents,
                    total_cents=qty * listing.price_cents,
                )
                session.add(line)
                lines[customer.email].append(line)
            state = "pending" if k == 9 else ("shipped" if k in (4, 8) else "delivered")
            session.add(
                Shipment(
                    order_id=order.id,
                    carrier=CARRIERS[k % len(CARRIERS)],
                    tracking_number=f"{number:02d}{rng.randint(10**9, 10**10 - 1)}FR",
                    state=state,
                    shipped_at=None if state == "pending" else placed + timedelta(days=1),
                    delivered_at=placed + timedelta(days=3) if state == "delivered" else None,
                )
            )
    session.flush()
    return lines


# --- incidents ---------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return {w for w in re.findall(r"[a-z]+", plain) if len(w) >= 5}


def _fit_listing(ctx: _Ctx, line: OrderLine, text: str) -> None:
    """The line becomes the shop's article the customer writes about ("Le casque…" on the
    headset), so a case never describes another item than the one it is about."""
    order = ctx.session.get(CustomerOrder, line.order_id)
    listings = ctx.session.exec(select(Listing).where(Listing.shop_id == order.shop_id).order_by(Listing.id)).all()
    wanted = _words(text)
    best = max(listings, key=lambda listing: len(_words(listing.title) & wanted))
    if _words(best.title) & wanted and best.id != line.listing_id:
        line.listing_id, line.unit_price_cents = best.id, best.price_cents
        line.total_cents = line.quantity * best.price_cents
        ctx.session.add(line)


def _open(ctx: _Ctx, line: OrderLine, customer: Actor, type: str, hours_ago: float, text: str) -> int:
    _fit_listing(ctx, line, text)
    ctx.at(hours_ago)
    policy = type_policy(type)
    photos = [_demo_photo()] if policy.photos_required else []  # SPEC 8.3
    # Most customers ask for the type's usual remedy (a reshipment, a replacement…); some leave it to the seller.
    wanted = policy.solutions[0].value if line.id % 3 else None
    return incidents.open_incident(ctx.session, customer, line.id, type, text, photos, wanted).incident_id


def _version(ctx: _Ctx, incident_id: int) -> int:
    return ctx.session.get(Incident, incident_id).version


def _say(ctx: _Ctx, who: Actor, incident_id: int, hours_ago: float, text: str) -> None:
    ctx.at(hours_ago)
    incidents.post_message(ctx.session, who, incident_id, text)


def _propose(
    ctx: _Ctx, seller: Actor, incident_id: int, hours_ago: float, solution: str, amount: int | None, text: str
) -> None:
    ctx.at(hours_ago)
    incidents.propose(ctx.session, seller, incident_id, _version(ctx, incident_id), solution, amount, text)


def _accept(ctx: _Ctx, customer: Actor, incident_id: int, hours_ago: float) -> None:
    ctx.at(hours_ago)
    incidents.accept(ctx.session, customer, incident_id, _version(ctx, incident_id))


def _refuse(ctx: _Ctx, customer: Actor, incident_id: int, hours_ago: float, reason: str) -> None:
    ctx.at(hours_ago)
    incidents.refuse(ctx.session, customer, incident_id, _version(ctx, incident_id), reason)


def _scenarios() -> list[tuple[str, str, str, Callable[[_Ctx, OrderLine, Actor, Actor], None]]]:
    """(customer e-mail, shop, type, play) — about thirty cases over all types and states."""

    def fresh(type: str, hours: float, text: str):
        def play(ctx, line, customer, seller):
            _open(ctx, line, customer, type, hours, text)

        return type, play

    def answered(type: str, text: str, reply: str, opened: float = 22, replied: float = 20):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, opened, text)
            _say(ctx, seller, iid, replied, reply)

        return type, play

    def late_resolution(type: str, text: str):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, 24 * 6, text)
            _say(ctx, seller, iid, 24 * 6 - 5, "Bonjour, nous vérifions et revenons vers vous rapidement.")

        return type, play

    def proposed(
        type: str, text: str, solution: str, amount: int | None, offer: str, opened: float = 30, at: float = 10
    ):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, opened, text)
            _propose(ctx, seller, iid, at, solution, amount, offer)

        return type, play

    def accepted(type: str, text: str, solution: str, amount: int | None, offer: str, then: Callable | None = None):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, 70, text)
            _say(ctx, seller, iid, 66, "Bonjour, désolés pour ce désagrément, nous regardons cela.")
            _propose(ctx, seller, iid, 50, solution, amount, offer)
            _accept(ctx, customer, iid, 40)
            if then:
                then(ctx, iid, customer, seller)

        return type, play

    def closed_agreed(type: str, text: str, solution: str, amount: int | None, score: int, comment: str, cause: str):
        def finish(ctx, iid, customer, seller):
            ctx.at(30)
            if solution in ("replacement", "return_and_refund"):
                label = fulfilment.issue_return_label(ctx.session, seller, iid)
                ctx.at(28)
                fulfilment.mark_return_received(ctx.session, seller, iid, label.id)
            ctx.at(26)
            if solution in ("replacement", "reship"):
                fulfilment.ship_replacement(ctx.session, seller, iid, "Colissimo", f"6A{iid:09d}", kind=solution)
            else:
                fulfilment.record_refund(ctx.session, seller, iid, _owed(ctx, iid), paris_date(now()))
            _tick_remaining(ctx, seller, iid, 25)
            ctx.at(24)
            incidents.confirm_closure(ctx.session, seller, iid, _version(ctx, iid))
            ctx.at(20)
            incidents.rate(ctx.session, customer, iid, score, comment)
            incidents.add_lesson(ctx.session, seller, iid, cause, "Contrôle renforcé avant expédition.")

        return accepted(type, text, solution, amount, "Nous vous proposons la solution suivante.", finish)

    def refused_then_arbitration(type: str, text: str, by: str):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, 24 * 4, text)
            if Solution.refund_partial in type_policy(type).solutions:
                _propose(
                    ctx,
                    seller,
                    iid,
                    24 * 3,
                    Solution.refund_partial,
                    1500,
                    "Nous proposons un geste commercial de 15 €.",
                )
            else:
                _propose(ctx, seller, iid, 24 * 3, type_policy(type).solutions[0], None, "Nous proposons un échange.")
            _refuse(ctx, customer, iid, 24 * 2, "Le geste proposé ne couvre pas le problème.")
            ctx.at(20)
            who = customer if by == "customer" else seller
            incidents.request_arbitration(
                ctx.session,
                who,
                iid,
                _version(ctx, iid),
                "Nous ne parvenons pas à un accord, merci de trancher.",
                [_demo_photo()],
            )

        return type, play

    def withdrawn(type: str, text: str):
        def play(ctx, line, customer, seller):
            iid = _open(ctx, line, customer, type, 24 * 3, text)
            ctx.at(24 * 2)
            incidents.withdraw(ctx.session, customer, iid, _version(ctx, iid))

        return type, play

    c1, c2 = "client@demo.example.com", "client2@demo.example.com"
    extra = [_extra_email(n) for n in EXTRA_CUSTOMERS]
    plan = [
        (
            c1,
            "TechShop",
            *proposed(
                "damaged",
                "Le casque est arrivé avec l'arceau fissuré, photos jointes.",
                "refund_partial",
                3000,
                "Nous vous proposons un remboursement partiel de 30 € et vous gardez l'article.",
            ),
        ),
        (
            c1,
            "MaisonPlus",
            *answered(
                "not_as_described",
                "La couette est annoncée 220x240 mais mesure 200x200.",
                "Bonjour Camille, pouvez-vous nous envoyer une photo de l'étiquette ?",
            ),
        ),
        (
            c1,
            "TechShop",
            *closed_agreed(
                "defective",
                "Le chargeur ne charge plus après deux jours.",
                "replacement",
                None,
                5,
                "Remplacement rapide, merci !",
                "product_quality",
            ),
        ),
        (c1, "AlsaceDeco", *withdrawn("not_received", "Colis indiqué livré mais je ne l'ai pas reçu.")),
        (
            c1,
            "TechShop",
            *refused_then_arbitration("not_as_described", 'La tablette est un modèle 8" et non 10".', "customer"),
        ),
        (c2, "TechShop", *fresh("damaged", 3, "Écran rayé à la réception, le carton était enfoncé.")),
        (c2, "TechShop", *fresh("defective", 30, "La souris se déconnecte toutes les minutes.")),
        (c2, "TechShop", *fresh("not_received", 56, "Aucune nouvelle du colis depuis 10 jours.")),
        (
            c2,
            "MaisonPlus",
            *accepted(
                "wrong_item",
                "J'ai reçu une poêle de 24 cm au lieu de 28 cm.",
                "replacement",
                None,
                "Nous vous envoyons la bonne poêle avec une étiquette de retour prépayée.",
            ),
        ),
        (
            c2,
            "AlsaceDeco",
            *closed_agreed(
                "damaged",
                "Le vase est arrivé brisé.",
                "return_and_refund",
                None,
                4,
                "Remboursé, mais l'emballage était insuffisant.",
                "packaging",
            ),
        ),
        (
            extra[0],
            "TechShop",
            *answered(
                "refund_not_processed",
                "Retour renvoyé il y a 3 semaines, toujours pas remboursé.",
                "Bonjour, nous vérifions la réception de votre retour.",
                40,
                30,
            ),
        ),
        (extra[0], "MaisonPlus", *fresh("wrong_item", 10, "Reçu des verres à eau au lieu de verres à vin.")),
        (extra[1], "TechShop", *late_resolution("defective", "Le clavier a des touches qui ne répondent pas.")),
        (
            extra[1],
            "MaisonPlus",
            *proposed(
                "not_received",
                "Le colis est bloqué au dépôt depuis une semaine.",
                "reship",
                None,
                "Nous vous réexpédions l'article aujourd'hui.",
                40,
                8,
            ),
        ),
        (
            extra[2],
            "TechShop",
            *accepted(
                "refund_not_processed",
                "Remboursement promis jamais reçu.",
                "refund_full",
                None,
                "Nous procédons au remboursement intégral.",
            ),
        ),
        (extra[2], "AlsaceDeco", *fresh("not_as_described", 20, "La nappe est en polyester, pas en coton.")),
        (extra[3], "TechShop", *refused_then_arbitration("damaged", "Webcam arrivée avec l'objectif fendu.", "seller")),
        (
            extra[3],
            "MaisonPlus",
            *closed_agreed(
                "not_received",
                "Colis perdu par le transporteur.",
                "reship",
                None,
                3,
                "Résolu mais un peu long.",
                "carrier",
            ),
        ),
        (extra[4], "TechShop", *fresh("wrong_item", 12, "J'ai reçu un câble HDMI de 1 m au lieu de 2 m.")),
        (
            extra[4],
            "AlsaceDeco",
            *proposed(
                "damaged",
                "Horloge coucou arrivée avec le balancier tordu.",
                "replacement",
                None,
                "Nous vous envoyons une nouvelle horloge et une étiquette de retour.",
                26,
                6,
            ),
        ),
        (
            extra[5],
            "TechShop",
            *answered("not_received", "Suivi bloqué depuis 5 jours.", "Nous avons ouvert une enquête transporteur."),
        ),
        (extra[5], "MaisonPlus", *withdrawn("defective", "La bouilloire fuit.")),
        (
            extra[6],
            "TechShop",
            *accepted(
                "damaged",
                "Batterie externe gonflée à la réception.",
                "return_and_refund",
                None,
                "Retournez l'article avec l'étiquette prépayée, nous vous remboursons à réception.",
            ),
        ),
        (extra[6], "MaisonPlus", *fresh("not_as_described", 30, "Le miroir fait 50 cm et non 60 cm.")),
        (
            extra[7],
            "TechShop",
            *closed_agreed(
                "not_as_described",
                "La montre n'a pas le GPS annoncé.",
                "refund_partial",
                4000,
                4,
                "Geste commercial correct.",
                "listing_content",
            ),
        ),
        (
            extra[7],
            "AlsaceDeco",
            *refused_then_arbitration("wrong_item", "Reçu des torchons unis au lieu d'imprimés.", "customer"),
        ),
        (
            extra[8],
            "TechShop",
            *proposed(
                "defective",
                "L'enceinte grésille à fort volume.",
                "replacement",
                None,
                "Nous vous proposons un échange standard.",
                48,
                20,
            ),
        ),
        (extra[8], "MaisonPlus", *late_resolution("damaged", "Le robot pâtissier a le bol cabossé.")),
        (extra[9], "TechShop", *fresh("refund_not_processed", 3, "Annulation acceptée mais pas remboursée.")),
        (
            extra[9],
            "AlsaceDeco",
            *answered("defective", "La guirlande ne s'allume qu'à moitié.", "Pouvez-vous nous envoyer une vidéo ?"),
        ),
    ]
    return plan


def _incidents(ctx: _Ctx, lines: dict[str, list[OrderLine]]) -> None:
    used: set[int] = set()
    for email, shop_name, _type, play in _scenarios():
        line = _line_for(ctx, lines[email], shop_name, used)
        customer, seller = ctx.actor(email), ctx.seller_of(shop_name)
        for shift_hours in (0, 4, 8, 12, 16, 20, 24):
            savepoint = ctx.session.begin_nested()
            ctx.shift = timedelta(hours=shift_hours)
            play(ctx, line, customer, seller)
            ctx.session.flush()
            if _stable(ctx, line.id):
                savepoint.commit()
                break
            savepoint.rollback()
        used.add(line.id)
    ctx.shift = timedelta(0)
    _flags(ctx)


#: What sellers and customer service write when they flag a listing, and how the product team fixed it.
_FLAG_NOTES = (
    (
        "description",
        "La description annonce des dimensions qui ne correspondent pas à l'article livré.",
        "Dimensions corrigées dans la description.",
    ),
    (
        "photos",
        "Les photos montrent un coloris et des finitions différents de l'article livré.",
        "Photos remplacées par celles de l'article vendu.",
    ),
    (
        "specifications",
        "La matière et la compatibilité indiquées ne correspondent pas à l'article livré.",
        "Caractéristiques techniques corrigées.",
    ),
)


def _flags(ctx: _Ctx) -> None:
    """Listing flags on the cases whose type suggests one: raised, acknowledged and fixed."""
    product = ctx.actor(next(email for email, _, role, _ in DEMO_ACCOUNTS if role == Role.product))
    suggested = ctx.session.exec(
        select(Incident)
        .where(Incident.type.in_(("not_as_described", "wrong_item")), Incident.state != "closed")
        .order_by(Incident.id)
    ).all()
    for n, incident in enumerate(suggested[:5]):
        reason, details, fix = _FLAG_NOTES[n % 3]
        case_age = (ctx.real_now - ctx.shift - as_utc(incident.opened_at)).total_seconds() / 3600
        raised = min(3 + 5 * n, case_age - 1)
        ctx.at(raised)
        shop = ctx.session.get(Shop, incident.shop_id)
        change = flags.raise_flag(ctx.session, ctx.seller_of(shop.name), incident.id, reason, details)
        ctx.at(raised - 0.5)
        if n % 3 == 1:
            flags.acknowledge(ctx.session, product, change.flag.id)
        elif n % 3 == 2:
            flags.mark_fixed(ctx.session, product, change.flag.id, fix)


def _line_for(ctx: _Ctx, customer_lines: list[OrderLine], shop_name: str, used: set[int]) -> OrderLine:
    """A shipped or delivered line of this customer in this shop, keeping one delivered
    line per shop free so a new incident can always be opened on first run."""
    shop_id = ctx.shops[shop_name].id
    candidates = []
    for line in customer_lines:
        order = ctx.session.get(CustomerOrder, line.order_id)
        shipment = ctx.session.exec(select(Shipment).where(Shipment.order_id == order.id)).first()
        if order.shop_id == shop_id and line.id not in used and shipment.state in ("shipped", "delivered"):
            candidates.append(line)
    return candidates[1] if len(candidates) > 1 else candidates[0]


def _stable(ctx: _Ctx, order_line_id: int) -> bool:
    """No open deadline of this case turns within an hour of the seeding moment."""
    margin = timedelta(hours=1)
    incident_ids = select(Incident.id).where(Incident.order_line_id == order_line_id)
    rows = ctx.session.exec(
        select(Deadline).where(
            Deadline.incident_id.in_(incident_ids), Deadline.met_at.is_(None), Deadline.settled.is_(None)
        )
    ).all()
    return all(
        abs(instant - ctx.real_now) > margin for row in rows for instant in (row.due_at, row.at_risk_at) if instant
    )


def _owed(ctx: _Ctx, incident_id: int) -> int:
    """The amount of the refund obligation the accepted solution created."""
    obligation = ctx.session.exec(
        select(Obligation).where(Obligation.incident_id == incident_id, Obligation.kind == "refund")
    ).one()
    return obligation.amount_cents


def _tick_remaining(ctx: _Ctx, seller: Actor, incident_id: int, hours_ago: float) -> None:
    """The seller ticks by hand what the demo story did outside the desk."""
    ctx.at(hours_ago)
    items = ctx.session.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == incident_id, ChecklistItem.done_at.is_(None))
    ).all()
    for item in items:
        fulfilment.tick_checklist(ctx.session, seller, incident_id, item.id, "Fait (démo).")


def _demo_photo() -> Upload:
    """A small real photo-like image, as the evidence an opening or an arbitration request needs."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 90)).save(buffer, "JPEG")
    return Upload("photo-colis.jpg", buffer.getvalue())
