"""Shops and accounts: admins only, calendars validated, deactivation immediate."""

from __future__ import annotations

import pytest

from pixmania_incidents.i18n import tr
from pixmania_incidents.models import Role, Shop, User
from pixmania_incidents.services import admin, auth
from pixmania_incidents.services.common import Forbidden, InvalidInput, NotFound

NON_ADMINS = ["camille", "seller_tech", "support", "arbitrator", "product"]
OPERATIONS = [
    "list_shops",
    "create_shop",
    "update_shop",
    "list_accounts",
    "create_account",
    "attach_seller",
    "deactivate",
    "temporary_password",
]


def _operations(world):
    shop_id, seller_id = world.shops["tech"].id, world.users["seller_tech"].id
    return {
        "list_shops": lambda db, a: admin.list_shops(db, a),
        "create_shop": lambda db, a: admin.create_shop(db, a, "Nouvelle"),
        "update_shop": lambda db, a: admin.update_shop(db, a, shop_id, "Renamed", "ouvres", None, [], "09:00", "18:00"),
        "list_accounts": lambda db, a: admin.list_accounts(db, a),
        "create_account": lambda db, a: admin.create_account(db, a, "X", "x@example.com", Role.support),
        "attach_seller": lambda db, a: admin.attach_seller(db, a, seller_id, world.shops["maison"].id),
        "deactivate": lambda db, a: admin.set_active(db, a, seller_id, False),
        "temporary_password": lambda db, a: admin.set_temporary_password(db, a, seller_id),
    }


@pytest.mark.parametrize("who", NON_ADMINS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_admin_operation_is_refused_to_every_other_role(db, world, who, operation):
    before = (db.get(Shop, world.shops["tech"].id).name, db.get(User, world.users["seller_tech"].id).active)
    with pytest.raises(Forbidden):
        _operations(world)[operation](db, world.actor(who))
    assert (db.get(Shop, world.shops["tech"].id).name, db.get(User, world.users["seller_tech"].id).active) == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_admin_operation_works_for_an_admin(db, world, operation):
    _operations(world)[operation](db, world.actor("admin"))


def test_admin_creates_a_shop_with_its_calendar(db, world):
    shop = admin.create_shop(
        db,
        world.actor("admin"),
        "Boutique Metz",
        "ouvres",
        "57",
        "2026-08-14, 2026-08-14,2026-12-31",
        "09:00",
        "17:30",
        "1 place d'Armes, 57000 Metz",
    )
    stored = db.get(Shop, shop.id)
    assert (stored.calendar_kind, stored.subdiv, stored.closed_days, stored.work_start, stored.work_end) == (
        "ouvres",
        "57",
        ["2026-08-14", "2026-12-31"],
        "09:00",
        "17:30",
    )
    admin.update_shop(db, world.actor("admin"), shop.id, "Boutique Metz", "ouvrables", "", [], "08:00", "19:00")
    assert db.get(Shop, shop.id).subdiv is None


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(subdiv="GES"), "Subdivision non prise en charge : aucune, 57 (Moselle) ou 6AE (Alsace)."),
        (dict(subdiv="68"), "Subdivision non prise en charge : aucune, 57 (Moselle) ou 6AE (Alsace)."),
        (dict(calendar_kind="semaine"), "Calendrier inconnu : choisissez jours ouvrables ou jours ouvrés."),
        (dict(closed_days="2026-02-30"), "Date de fermeture invalide : 2026-02-30 (format AAAA-MM-JJ)."),
        (dict(work_start="19:00", work_end="08:00"), "Horaires invalides : format HH:MM, début avant la fin."),
        (dict(work_start="8h"), "Horaires invalides : format HH:MM, début avant la fin."),
        (dict(name="TechShop"), "Une boutique porte déjà ce nom."),
    ],
)
def test_invalid_shop_settings_are_refused(db, world, kwargs, message):
    fields = dict(
        name="Boutique", calendar_kind="ouvrables", subdiv=None, closed_days=[], work_start="08:00", work_end="19:00"
    )
    fields.update(kwargs)
    with pytest.raises(InvalidInput) as exc:
        admin.create_shop(db, world.actor("admin"), **fields)
    assert tr(exc.value.code, "fr", **exc.value.params) == message


def test_created_staff_account_must_change_its_temporary_password(db, world):
    account, temporary = admin.create_account(
        db, world.actor("admin"), "Nina Vendeuse", "Nina@Example.com", Role.seller, str(world.shops["maison"].id)
    )
    assert (account.email, account.role, account.shop_name, account.must_change_password) == (
        "nina@example.com",
        "seller",
        "MaisonPlus",
        True,
    )
    raw, actor = auth.login(db, "nina@example.com", temporary)
    assert actor.shop_id == world.shops["maison"].id
    assert auth.identify(db, raw).must_change_password


def test_account_creation_is_validated(db, world):
    a = world.actor("admin")
    with pytest.raises(InvalidInput) as exc:
        admin.create_account(db, a, "Vendeur", "v@example.com", Role.seller)
    assert exc.value.code == "admin.error.seller_needs_shop"
    with pytest.raises(InvalidInput) as exc:
        admin.create_account(db, a, "Client", "c@example.com", Role.customer)
    assert exc.value.code == "admin.error.role"
    with pytest.raises(InvalidInput) as exc:
        admin.create_account(db, a, "Doublon", "support@example.com", Role.support)
    assert exc.value.code == "auth.error.email_taken"
    with pytest.raises(NotFound):
        admin.create_account(db, a, "Vendeur", "v@example.com", Role.seller, "not-an-id")


def test_accounts_list_never_carries_password_hashes(db, world):
    rows = admin.list_accounts(db, world.actor("admin"))
    assert len(rows) == len(world.users)
    hashes = {u.password_hash for u in world.users.values()}
    assert all(
        "password_hash" not in row.as_dict() and not hashes & set(map(str, row.as_dict().values())) for row in rows
    )


def test_attach_seller_moves_them_to_the_other_shop(db, world):
    seller = world.users["seller_tech"]
    view = admin.attach_seller(db, world.actor("admin"), seller.id, world.shops["maison"].id)
    assert view.shop_name == "MaisonPlus" and db.get(User, seller.id).shop_id == world.shops["maison"].id
    with pytest.raises(InvalidInput):
        admin.attach_seller(db, world.actor("admin"), world.users["support"].id, world.shops["maison"].id)


def test_admin_cannot_deactivate_themself(db, world):
    with pytest.raises(InvalidInput) as exc:
        admin.set_active(db, world.actor("admin"), world.users["admin"].id, False)
    assert exc.value.code == "admin.error.self"


def test_reactivated_account_can_log_in_again(db, world):
    user = world.users["support"]
    user.password_hash = auth.hash_password("support pass 123")
    db.add(user)
    admin.set_active(db, world.actor("admin"), user.id, False)
    admin.set_active(db, world.actor("admin"), user.id, True)
    auth.login(db, user.email, "support pass 123")
