"""Order intake: records keyed by the order system's ids, sent twice change nothing, a newer
version updates what may change and never what the desk owns, one bad record never drops the
others; a customer who arrives this way is invited (once) and an existing customer is linked;
the command line imports NDJSON and CSV files, and an interrupted import resumes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from pixmania_incidents import cli, settings
from pixmania_incidents.models import MailOutbox, OrderLine, PasswordReset, Shipment, ShipmentEvent, Shop, User
from pixmania_incidents.services import incidents, intake, password_reset
from pixmania_incidents.services.common import Forbidden, InvalidInput

SHOP = {
    "type": "shop",
    "id": "S-1",
    "name": "Audio Discount",
    "address": "1 quai, 69000 Lyon",
    "calendar_kind": "ouvres",
    "subdiv": "57",
    "closed_days": ["2026-08-14"],
}
LISTING = {
    "type": "listing",
    "id": "P-1",
    "shop_id": "S-1",
    "sku": "AD-CASQUE-1",
    "title": "Casque sans fil",
    "price_cents": 8990,
}
CUSTOMER = {"type": "customer", "id": "C-1", "email": "Nadia.K@Example.com", "name": "Nadia K", "locale": "en"}
ORDER = {
    "type": "order",
    "id": "O-1",
    "reference": "MK-0001",
    "shop_id": "S-1",
    "customer_id": "C-1",
    "placed_at": "2026-03-01T10:00:00+01:00",
    "shipping_address": "2 rue B, 75002 Paris",
    "lines": [{"id": "O-1-1", "listing_id": "P-1", "quantity": 1, "unit_price_cents": 8990}],
}
SHIPMENT = {
    "type": "shipment",
    "id": "SH-1",
    "order_id": "O-1",
    "carrier": "Colissimo",
    "tracking_number": "6A99",
    "shipped_at": "2026-03-02T09:00:00Z",
}
ALL = [SHOP, LISTING, CUSTOMER, ORDER, SHIPMENT]


def _results(outcomes):
    return [(o.type, o.result) for o in outcomes]


def test_records_are_created_then_unchanged_when_sent_again(world):
    admin = world.actor("admin")
    assert _results(intake.ingest(world.db, admin, ALL)) == [(r["type"], "created") for r in ALL]
    world.db.commit()
    assert _results(intake.ingest(world.db, admin, ALL)) == [(r["type"], "unchanged") for r in ALL]
    shop = world.db.exec(select(Shop).where(Shop.external_id == "S-1")).one()
    assert (shop.calendar_kind, shop.subdiv, shop.closed_days) == ("ouvres", "57", ["2026-08-14"])
    line = world.db.exec(select(OrderLine).where(OrderLine.external_id == "O-1-1")).one()
    assert line.total_cents == 8990


def test_a_newer_version_updates_and_an_older_one_is_ignored(world):
    admin = world.actor("admin")
    intake.ingest(world.db, admin, [{**SHOP, "updated_at": "2026-03-01T00:00:00Z"}])
    newer = intake.ingest(world.db, admin, [{**SHOP, "address": "3 quai", "updated_at": "2026-03-02T00:00:00Z"}])
    older = intake.ingest(world.db, admin, [{**SHOP, "address": "old", "updated_at": "2026-02-01T00:00:00Z"}])
    assert [o.result for o in newer + older] == ["updated", "unchanged"]
    assert world.db.exec(select(Shop).where(Shop.external_id == "S-1")).one().address == "3 quai"


def test_one_bad_record_is_refused_with_its_reason_and_the_others_go_through(world):
    outcomes = intake.ingest(
        world.db,
        world.actor("admin"),
        [
            SHOP,
            {"type": "listing", "id": "P-9", "shop_id": "S-404", "sku": "X", "title": "X", "price_cents": 1},
            {"type": "planet", "id": "X"},
            "not an object",
            {**LISTING, "price_cents": "cher"},
            LISTING,
        ],
    )
    assert [o.result for o in outcomes] == ["created", "refused", "refused", "refused", "refused", "created"]
    assert outcomes[1].reason("en") == "Unknown shop S-404: send it first."
    assert outcomes[4].params == {"field": "price_cents"}


def test_only_the_operator_feeds_the_desk(world):
    with pytest.raises(Forbidden):
        intake.ingest(world.db, world.actor("seller_tech"), [SHOP])
    with pytest.raises(InvalidInput):
        intake.ingest(world.db, world.actor("admin"), [SHOP] * (intake.MAX_RECORDS + 1))


def test_a_new_customer_is_invited_once_and_chooses_a_password_with_the_link(world, monkeypatch):
    intake.ingest(world.db, world.actor("admin"), ALL)
    intake.ingest(world.db, world.actor("admin"), [CUSTOMER])
    world.db.commit()
    customer = world.db.exec(select(User).where(User.external_id == "C-1")).one()
    assert customer.email == "nadia.k@example.com" and customer.role == "customer" and customer.locale == "en"
    [invitation] = world.db.exec(select(MailOutbox).where(MailOutbox.to_addr == customer.email)).all()
    assert invitation.subject == "Your Pixmania incident desk"
    token = invitation.body.split("/password/reset/")[1].split()[0]
    reset = world.db.exec(select(PasswordReset).where(PasswordReset.user_id == customer.id)).one()
    assert reset.expires_at - reset.created_at == intake.INVITATION
    password_reset.reset_password(world.db, token, "un-mot-de-passe-2026")
    world.db.commit()
    assert customer.password_hash.startswith("$argon2")


def test_an_existing_customer_is_linked_never_duplicated_and_staff_addresses_are_refused(world):
    admin = world.actor("admin")
    linked = intake.ingest(
        world.db, admin, [{**CUSTOMER, "id": "C-7", "email": "camille@example.com", "name": "Camille Martin"}]
    )
    assert linked[0].result == "updated"
    camille = world.users["camille"]
    world.db.refresh(camille)
    assert camille.external_id == "C-7" and camille.password_hash == "!"  # the fixture's: untouched
    assert world.db.exec(select(MailOutbox).where(MailOutbox.to_addr == "camille@example.com")).all() == []
    refused = intake.ingest(world.db, admin, [{**CUSTOMER, "id": "C-8", "email": "support@example.com"}])
    assert refused[0].code == "intake.error.email_taken"
    twin = intake.ingest(world.db, admin, [{**CUSTOMER, "id": "C-9", "email": "camille@example.com"}])
    assert twin[0].result == "refused"


def test_shipment_events_move_forward_and_open_the_way_to_an_incident(world):
    admin = world.actor("admin")
    pending = {**SHIPMENT, "shipped_at": None, "state": "pending"}
    intake.ingest(world.db, admin, [*ALL[:4], pending])
    world.db.commit()
    customer = world.db.exec(select(User).where(User.external_id == "C-1")).one()
    line = world.db.exec(select(OrderLine).where(OrderLine.external_id == "O-1-1")).one()
    from pixmania_incidents.services.common import Actor

    with pytest.raises(InvalidInput):
        incidents.open_incident(world.db, Actor.of(customer), line.id, "not_received", "Rien.")
    world.db.rollback()
    events = [
        {"type": "shipment_event", "shipment_id": "SH-1", "event": e, "at": at}
        for e, at in (("delivered", "2026-03-04T12:00:00Z"), ("shipped", "2026-03-02T09:00:00Z"))
    ]
    assert [o.result for o in intake.ingest(world.db, admin, events)] == ["updated", "unchanged"]
    intake.ingest(world.db, admin, events)  # sent again: every tracking event is kept once, the late one too
    world.db.flush()
    kept = world.db.exec(select(ShipmentEvent.event).order_by(ShipmentEvent.at)).all()
    assert kept == ["shipped", "delivered"]
    shipment = world.db.exec(select(Shipment).where(Shipment.external_id == "SH-1")).one()
    assert shipment.state == "delivered" and shipment.delivered_at is not None
    opened = incidents.open_incident(world.db, Actor.of(customer), line.id, "not_as_described", "Pas la bonne couleur.")
    world.db.commit()
    # The desk owns the line now: its price cannot change any more; its shipment can.
    changed = intake.ingest(world.db, admin, [{**ORDER, "lines": [{**ORDER["lines"][0], "unit_price_cents": 100}]}])
    assert changed[0].code == "intake.error.desk_owned"
    assert opened.reference


def _ndjson(tmp_path, records, name="orders.ndjson"):
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return path


@pytest.fixture
def cli_db(world, engine, monkeypatch):
    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    return world


def test_the_command_imports_ndjson_with_a_summary_naming_refused_lines(cli_db, tmp_path, capsys):
    path = _ndjson(tmp_path, [*ALL, "{broken", {"type": "listing", "id": "P-2", "shop_id": "nope"}])
    assert cli.main(["import", str(path), "--as", "admin@example.com"]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("5 created, 0 updated, 0 unchanged, 2 refused")
    assert "line 6: Unreadable line" in out.out and "line 7: listing P-2: Unknown shop nope" in out.out
    assert "7/7" in out.err
    assert cli.main(["import", str(path), "--as", "admin@example.com"]) == 1
    assert capsys.readouterr().out.startswith("0 created, 0 updated, 5 unchanged, 2 refused")


def test_the_command_imports_csv(cli_db, tmp_path, capsys):
    path = tmp_path / "records.csv"
    path.write_text(
        "type,id,name,shop_id,sku,title,price_cents,email,calendar_kind,closed_days\n"
        "shop,S-2,Vélo Plus,,,,,,ouvrables,2026-08-14;2026-08-16\n"
        "listing,P-2,,S-2,VP-1,Antivol,2500,,,\n"
        "customer,C-2,Lea,,,,,lea@example.com,,\n"
    )
    assert cli.main(["import", str(path)]) == 0  # the only admin
    assert capsys.readouterr().out.startswith("3 created")
    shop = cli_db.db.exec(select(Shop).where(Shop.external_id == "S-2")).one()
    assert shop.closed_days == ["2026-08-14", "2026-08-16"]


def test_an_interrupted_import_resumes_after_the_last_committed_batch(cli_db, tmp_path, capsys, monkeypatch):
    path = _ndjson(tmp_path, ALL)
    real = intake.ingest
    calls = {"n": 0}

    def dying(session, actor, records):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(session, actor, records)

    monkeypatch.setattr(intake, "ingest", dying)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["import", str(path), "--batch", "2"])
    assert (tmp_path / "orders.ndjson.intake-progress").read_text() == "2"
    monkeypatch.setattr(intake, "ingest", real)
    assert cli.main(["import", str(path), "--batch", "2"]) == 0
    out = capsys.readouterr()
    assert "resuming after record 2" in out.err and out.out.startswith("3 created")
    assert not (tmp_path / "orders.ndjson.intake-progress").exists()
    assert timedelta(days=14) == intake.INVITATION
