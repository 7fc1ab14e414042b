"""The seller API over HTTP (the app's own routes, in process): keys and what each may do, the
same rules as the pages (another shop's case is not found), versions and 409 with the case as
it stands, problems in French or English, the quota, files both ways, and the open pages told.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from pixmania_incidents import live, settings
from pixmania_incidents.api import api
from pixmania_incidents.services import api_keys, incidents
from tests.conftest import photo


@pytest.fixture
def pushed(monkeypatch):
    """What the API pushed to the open pages (no app running here)."""
    calls: list[tuple] = []
    monkeypatch.setattr(live, "push_result", lambda result, messages=True: calls.append(("case", result.incident_id)))
    monkeypatch.setattr(live, "push_flag", lambda change: calls.append(("flag", change.flag.id)))
    monkeypatch.setattr(live, "push", lambda audiences, messages=True: calls.append(("users", list(audiences))))
    return calls


@pytest.fixture
def client(world, engine, monkeypatch, pushed):
    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    with TestClient(api, base_url="http://localhost:3000") as c:
        yield c


def key(world, who: str, scope: str = "write", seller: str | None = None) -> str:
    made = api_keys.create_key(
        world.db, world.actor(who), f"{who} {scope}", scope, world.users[seller].id if seller else None
    )
    world.db.commit()
    return made.secret


def auth(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def case(world):
    result = incidents.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "damaged",
        "Le colis est arrivé écrasé.",
        [photo()],
    )
    world.db.commit()
    return result


def test_without_a_key_or_with_a_wrong_one_the_answer_is_a_problem(client):
    answer = client.get("/api/v1/incidents")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "api.error.key_invalid"
    assert answer.json()["title"] == "Clé d'API inconnue ou révoquée."
    english = client.get("/api/v1/incidents", headers=auth("pxm_nope", **{"Accept-Language": "en-GB,en;q=0.9"}))
    assert english.json()["title"] == "Unknown or revoked API key."


def test_a_shop_reads_its_cases_and_not_another_shops(world, client, case):
    tech, maison = key(world, "seller_tech"), key(world, "seller_maison")
    listed = client.get("/api/v1/incidents", headers=auth(tech)).json()
    assert [c["reference"] for c in listed["cases"]] == [case.reference]
    assert listed["cases"][0]["status"] == "NEW"
    assert client.get("/api/v1/incidents", headers=auth(maison)).json()["cases"] == []
    assert client.get(f"/api/v1/incidents/{case.incident_id}", headers=auth(maison)).status_code == 404
    read = client.get(f"/api/v1/incidents/{case.incident_id}", headers=auth(tech))
    assert read.status_code == 200 and read.headers["etag"] == f'"{case.version}"'
    body = read.json()
    assert body["ball"] == "seller" and body["ball_detail"]["due_at"]
    assert {d["kind"] for d in body["deadlines"]} >= {"response", "resolution"}
    assert body["checklist"] and body["opening_attachments"][0]["content_type"] == "image/jpeg"
    assert body["customer"]["email"] == "camille@example.com"
    evidence_id = body["opening_attachments"][0]["id"]
    assert client.get(f"/api/v1/evidence/{evidence_id}", headers=auth(tech)).content[:3] == b"\xff\xd8\xff"
    assert client.get(f"/api/v1/evidence/{evidence_id}", headers=auth(maison)).status_code == 404


def test_a_read_key_cannot_write_and_a_revoked_key_is_refused_at_once(world, client, case):
    reader = key(world, "seller_tech", "read")
    assert client.get("/api/v1/incidents", headers=auth(reader)).status_code == 200
    refused = client.post(f"/api/v1/incidents/{case.incident_id}/messages", headers=auth(reader), data={"body": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "api.error.read_only_key"
    [view] = api_keys.keys(world.db, world.actor("seller_tech"))
    assert view.last_used_at is not None
    api_keys.revoke_key(world.db, world.actor("seller_tech"), view.id)
    world.db.commit()
    assert client.get("/api/v1/incidents", headers=auth(reader)).status_code == 401


def test_an_operator_key_reads_everything_but_cannot_act_as_a_seller(world, client, case):
    operator, tech = key(world, "admin", "operator"), key(world, "seller_tech")
    assert client.get("/api/v1/incidents", headers=auth(operator)).json()["code"] == "api.error.shop_key_required"
    acted = client.post(f"/api/v1/incidents/{case.incident_id}/help", headers=auth(operator), json={"version": 1})
    assert acted.status_code == 403
    listed = client.get("/api/v1/operator/incidents", headers=auth(operator)).json()
    assert [c["reference"] for c in listed["cases"]] == [case.reference]
    assert client.get(f"/api/v1/operator/incidents/{case.incident_id}", headers=auth(operator)).status_code == 200
    assert client.get("/api/v1/operator/incidents", headers=auth(tech)).status_code == 403
    trends = client.get("/api/v1/operator/trends?start=2026-03-01&end=2026-03-31", headers=auth(operator)).json()
    assert trends["overall"]["count"] == 1


def test_a_message_with_a_photo_reaches_the_case_and_its_open_pages(world, client, case, pushed):
    tech = key(world, "seller_tech")
    upload = photo("carton.jpg")
    answer = client.post(
        f"/api/v1/incidents/{case.incident_id}/messages",
        headers=auth(tech),
        data={"body": "Pouvez-vous photographier le carton ?"},
        files=[("files", (upload.filename, upload.data, "image/jpeg"))],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["state"] == "in_progress"  # the seller's first message is the response
    assert ("case", case.incident_id) in pushed
    messages = client.get(f"/api/v1/incidents/{case.incident_id}", headers=auth(tech)).json()["messages"]
    assert messages[-1]["body"] == "Pouvez-vous photographier le carton ?"
    assert messages[-1]["attachments"][0]["filename"] == "carton.jpg"


def test_writes_carry_the_version_and_a_stale_one_answers_409_with_the_case(world, client, case):
    tech = key(world, "seller_tech")
    url = f"/api/v1/incidents/{case.incident_id}/proposals"
    form = {"solution": "refund_partial", "amount_cents": 1500, "message": "Nous proposons 15 €."}
    missing = client.post(url, headers=auth(tech), json=form)
    assert missing.status_code == 428 and missing.json()["code"] == "api.error.version_required"
    stale = client.post(url, headers=auth(tech, **{"If-Match": '"99"'}), json=form)
    assert stale.status_code == 409 and stale.json()["current"]["version"] == case.version
    made = client.post(url, headers=auth(tech, **{"If-Match": f'"{case.version}"'}), json=form)
    assert made.status_code == 201 and made.json()["status"] == "IN_PROGRESS"
    again = client.post(url, headers=auth(tech), json={**form, "version": case.version})
    assert again.status_code == 409 and again.json()["current"]["state"] == "awaiting_customer"
    not_offered = client.post(
        url, headers=auth(tech), json={**form, "solution": "reship", "version": made.json()["version"]}
    )
    assert not_offered.status_code in (409, 422)


def test_a_tick_waits_for_its_version_too(world, client, case):
    tech = key(world, "seller_tech")
    item = client.get(f"/api/v1/incidents/{case.incident_id}", headers=auth(tech)).json()["checklist"][0]["id"]
    url = f"/api/v1/incidents/{case.incident_id}/checklist/{item}/tick"
    assert client.post(url, headers=auth(tech), json={"version": case.version + 1}).status_code == 409
    assert client.post(url, headers=auth(tech), json={"version": case.version, "note": "Vu"}).status_code == 200
    assert (
        client.post(url, headers=auth(tech), json={"version": case.version}).json()["code"]
        == "fulfilment.error.already_ticked"
    )


def test_return_label_with_its_pdf_then_the_return_received(world, client, case):
    tech = key(world, "seller_tech")
    label = client.post(
        f"/api/v1/incidents/{case.incident_id}/return-labels", headers=auth(tech), json={"version": case.version}
    ).json()
    pdf = client.get(f"/api/v1/return-labels/{label['id']}/pdf", headers=auth(tech))
    assert pdf.headers["content-type"] == "application/pdf"
    assert case.reference in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    received = client.post(
        f"/api/v1/incidents/{case.incident_id}/return-labels/{label['id']}/receive",
        headers=auth(tech),
        json={"version": label["version"]},
    )
    assert received.status_code == 200
    assert client.get(f"/api/v1/incidents/{case.incident_id}", headers=auth(tech)).json()["return_labels"][0][
        "received_at"
    ]


def test_refund_inquiry_shipment_flag_and_arbitration_go_through_the_services(world, client, case, pushed):
    tech = key(world, "seller_tech")
    v = case.version
    base = f"/api/v1/incidents/{case.incident_id}"
    assert (
        client.post(
            f"{base}/refunds",
            headers=auth(tech),
            json={"version": v, "amount_cents": 20_000, "refunded_on": "2026-03-10"},
        ).json()["code"]
        == "inputs.error.amount_above_refundable"
    )
    assert (
        client.post(
            f"{base}/refunds", headers=auth(tech), json={"version": v, "amount_cents": 500, "refunded_on": "2026-03-10"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{base}/carrier-inquiries",
            headers=auth(tech),
            json={"version": v, "carrier": "Colissimo", "reference": "ENQ-1"},
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{base}/shipments", headers=auth(tech), json={"version": v, "carrier": "DPD", "tracking_number": "DPD1"}
        ).status_code
        == 201
    )
    flag = client.post(f"{base}/flags", headers=auth(tech), json={"version": v, "reason": "photos", "details": "Flou"})
    assert flag.status_code == 201 and ("flag", flag.json()["id"]) in pushed
    # Arbitration needs a refused proposal first: the lifecycle's refusal, in words.
    refused = client.post(f"{base}/arbitration", headers=auth(tech), data={"reason": "Abus", "version": str(v)})
    assert refused.status_code == 409 and refused.json()["detail"]


def test_filters_and_pages_follow_the_order_of_changes(world, client, clock):
    tech = key(world, "seller_tech")
    refs = []
    for line in ("camille_tech_delivered", "camille_tech_shipped", "paul_tech_delivered"):
        customer = line.split("_")[0]
        refs.append(
            incidents.open_incident(
                world.db, world.actor(customer), world.lines[line].id, "not_received", "Rien reçu."
            ).reference
        )
        world.db.commit()
        clock.advance(minutes=5)
    first = client.get("/api/v1/incidents?limit=2", headers=auth(tech)).json()
    assert [c["reference"] for c in first["cases"]] == refs[:2]
    rest = client.get(f"/api/v1/incidents?limit=2&page_token={first['next_page_token']}", headers=auth(tech)).json()
    assert [c["reference"] for c in rest["cases"]] == refs[2:] and rest["next_page_token"] is None
    since = (clock.at - timedelta(minutes=7)).isoformat()
    recent = client.get("/api/v1/incidents", params={"updated_since": since}, headers=auth(tech)).json()
    assert [c["reference"] for c in recent["cases"]] == refs[2:]
    assert client.get("/api/v1/incidents?status=CLOSED", headers=auth(tech)).json()["cases"] == []
    assert client.get("/api/v1/incidents?type=damaged", headers=auth(tech)).json()["cases"] == []
    assert client.get("/api/v1/incidents?page_token=zzz", headers=auth(tech)).status_code == 422


def test_a_spent_quota_answers_429_with_retry_after(world, client, monkeypatch):
    monkeypatch.setattr(api_keys, "RATE", api_keys.throttle.Quota("api-key", 3, timedelta(minutes=1)))
    tech = key(world, "seller_tech")
    codes = [client.get("/api/v1/incidents", headers=auth(tech)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/incidents", headers=auth(tech))
    assert 0 < int(refused.headers["retry-after"]) <= 60


def test_the_openapi_document_and_its_page(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["servers"] == [{"url": "/api/v1"}]
    assert "application/problem+json" in document["paths"]["/incidents"]["get"]["responses"]["401"]["content"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/docs-assets/swagger-ui-bundle.js" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "sha256-" in csp  # its inline script is allowed by its hash
    assert client.get("/api/v1/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_intake_takes_ndjson_in_bulk_with_a_result_per_record(world, client):
    operator, tech = key(world, "admin", "operator"), key(world, "seller_tech")
    lines = "\n".join(
        [
            '{"type": "shop", "id": "S-1", "name": "Audio Discount"}',
            '{"type": "listing", "id": "P-1", "shop_id": "S-1", "sku": "AD-1", "title": "Casque", "price_cents": 8990}',
            "{oops",
            '{"type": "listing", "id": "P-2", "shop_id": "S-404", "sku": "AD-2", "title": "X", "price_cents": 1}',
        ]
    )
    answer = client.post(
        "/api/v1/intake/bulk",
        headers=auth(operator, **{"Content-Type": "application/x-ndjson", "Accept-Language": "en"}),
        content=lines,
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "refused": 2}
    assert report["results"][3]["reason"] == "Unknown shop S-404: send it first."
    again = client.post(
        "/api/v1/intake/records", headers=auth(operator), json={"type": "shop", "id": "S-1", "name": "Audio Discount"}
    )
    assert again.json()["results"][0]["result"] == "unchanged"
    assert client.post("/api/v1/intake/records", headers=auth(tech), json={"type": "shop"}).status_code == 403
    too_many = "\n".join(['{"type": "shop"}'] * 1001)
    assert client.post("/api/v1/intake/bulk", headers=auth(operator), content=too_many).status_code == 422
