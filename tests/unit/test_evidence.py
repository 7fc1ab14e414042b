"""Evidence uploads: judged by their bytes, stored privately, served to the case only."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from pixmania_incidents import settings
from pixmania_incidents.models import Evidence, Incident, ListingFlag
from pixmania_incidents.services import evidence
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import InvalidInput, NotFound, ServiceError
from pixmania_incidents.services.evidence import MAX_BYTES, Upload, open_evidence, validate_and_store
from tests.conftest import opening_evidence
from tests.samples import PDF


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "private" / "evidence"
    monkeypatch.setattr(settings, "EVIDENCE_DIR", folder)
    return folder


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    img = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def incident(world):
    result = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "not_as_described",
        "La couleur ne correspond pas.",
    )
    return world.db.get(Incident, result.incident_id)


def store(world, incident, *uploads, who="camille"):
    return validate_and_store(world.db, world.actor(who), incident, list(uploads), "message")


def refusal(world, incident, *uploads) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        store(world, incident, *uploads)
    return err.value


def test_valid_jpeg_is_reencoded_without_metadata_and_stored_privately(world, incident, evidence_dir):
    data = image_bytes(exif=True)
    assert b"PhoneMaker" in data
    [row] = store(world, incident, Upload("IMG_0001.jpeg", data))
    world.db.commit()
    assert row.content_type == "image/jpeg" and row.filename == "IMG_0001.jpg"
    path, content_type, name = open_evidence(world.db, world.actor("seller_tech"), row.id)
    assert path.parent == evidence_dir and "_upload" not in path.parts
    stored = path.read_bytes()
    assert b"PhoneMaker" not in stored and Image.open(io.BytesIO(stored)).getexif() == {}
    assert row.size == len(stored) and len(row.sha256) == 64
    assert (content_type, name) == ("image/jpeg", "IMG_0001.jpg")
    assert row.stored_name not in name and "/" not in row.stored_name


def test_png_webp_and_pdf_pass(world, incident):
    rows = store(
        world,
        incident,
        Upload("a.png", image_bytes("PNG")),
        Upload("b.webp", image_bytes("WEBP")),
        Upload("facture.pdf", PDF),
    )
    assert [r.content_type for r in rows] == ["image/png", "image/webp", "application/pdf"]


def test_oversized_file_refused_by_name(world, incident):
    err = refusal(world, incident, Upload("enorme.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES + b"%%EOF"))
    assert err.code == "evidence.error.too_large" and err.params["filename"] == "enorme.pdf"


def test_more_than_five_files_refused(world, incident):
    err = refusal(world, incident, *[Upload(f"{i}.pdf", PDF) for i in range(6)])
    assert err.code == "evidence.error.too_many"


@pytest.mark.parametrize(
    "name, data",
    [
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a renamed Windows executable
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"hello"),
        ("image.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_wrong_real_type_refused(world, incident, name, data):
    err = refusal(world, incident, Upload(name, data))
    assert err.code == "evidence.error.type" and err.params["filename"] == name


def test_truncated_pdf_and_corrupt_image_refused(world, incident):
    assert refusal(world, incident, Upload("x.pdf", b"%PDF-1.4\nno end")).code == "evidence.error.unreadable"
    assert refusal(world, incident, Upload("x.jpg", image_bytes()[:40])).code == "evidence.error.unreadable"


def test_one_bad_file_refuses_the_batch_and_stores_nothing(world, incident, evidence_dir):
    refusal(world, incident, Upload("ok.pdf", PDF), Upload("bad.pdf", b"nope"))
    assert world.db.exec(select(Evidence)).all() == []
    assert not evidence_dir.exists() or list(evidence_dir.iterdir()) == []


def test_decompression_bomb_refused(world, incident):
    bomb = io.BytesIO()
    Image.new("P", (20_000, 20_000), 0).save(bomb, format="PNG", optimize=True)
    assert len(bomb.getvalue()) < MAX_BYTES
    err = refusal(world, incident, Upload("bomb.png", bomb.getvalue()))
    assert err.code == "evidence.error.too_many_pixels"


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.pdf"),
        ("/tmp/x/../.bashrc", "fichier.pdf"),
        ("facture\x00.pdf.exe", "facture_pdf.pdf"),
    ],
)
def test_traversal_names_become_safe_display_names(world, incident, evidence_dir, name, shown):
    [row] = store(world, incident, Upload(name, PDF))
    world.db.commit()
    assert row.filename == shown
    path, _, _ = open_evidence(world.db, world.actor("camille"), row.id)
    assert path.resolve().parent == evidence_dir.resolve()


def test_download_authorized_through_the_incident(world, incident):
    [row] = store(world, incident, Upload("a.pdf", PDF))
    for who in ("camille", "seller_tech", "support", "arbitrator", "admin"):
        assert open_evidence(world.db, world.actor(who), row.id)[0].exists()
    for who in ("paul", "seller_maison", "product"):
        with pytest.raises(NotFound):
            open_evidence(world.db, world.actor(who), row.id)
    world.db.add(
        ListingFlag(
            listing_id=incident.listing_id,
            incident_id=incident.id,
            raised_by_id=world.users["support"].id,
            reason="photos",
            details="Fiche à corriger",
        )
    )
    world.db.flush()
    assert open_evidence(world.db, world.actor("product"), row.id)[0].exists()


def test_internal_note_evidence_is_staff_only(world, incident):
    svc.post_message(
        world.db,
        world.actor("support"),
        incident.id,
        "Capture interne",
        [Upload("note.pdf", PDF)],
        visibility="internal",
    )
    row = world.db.exec(select(Evidence)).one()
    assert open_evidence(world.db, world.actor("arbitrator"), row.id)
    for who in ("camille", "seller_tech"):
        with pytest.raises(NotFound):
            open_evidence(world.db, world.actor(who), row.id)


# --- no orphan files: a file is in place only once its row has committed -------------------


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_rollback_after_storing_leaves_no_file(world, incident, evidence_dir):
    world.db.commit()
    store(world, incident, Upload("a.pdf", PDF), Upload("b.jpg", image_bytes()))
    world.db.rollback()
    assert files_under(evidence_dir) == []
    assert world.db.exec(select(Evidence)).all() == []


def test_a_commit_puts_the_files_in_place(world, incident, evidence_dir):
    rows = store(world, incident, Upload("a.pdf", PDF), Upload("b.jpg", image_bytes()))
    world.db.commit()
    assert files_under(evidence_dir) == sorted(evidence_dir / r.stored_name for r in rows)
    assert open_evidence(world.db, world.actor("camille"), rows[0].id)[0].read_bytes() == PDF


def test_a_savepoint_rolled_back_takes_its_files_and_only_its_files(world, incident, evidence_dir):
    """As the demo seed does: each attempt in a savepoint, the failed ones rolled back."""
    world.db.commit()
    kept = world.db.begin_nested()
    [row] = store(world, incident, Upload("kept.pdf", PDF))
    kept.commit()
    dropped = world.db.begin_nested()
    store(world, incident, Upload("dropped.pdf", PDF))
    dropped.rollback()
    world.db.commit()
    assert files_under(evidence_dir) == [evidence_dir / row.stored_name]


def test_a_refused_item_sent_back_leaves_no_file(world, evidence_dir):
    """The proof is stored, then the declaration is refused (already declared): the whole
    unit of work rolls back, as the pages' `session_scope` does, and takes the file with it."""
    opened = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "defective",
        "Écran noir.",
        opening_evidence("defective"),
    )
    case = world.db.get(Incident, opened.incident_id)
    svc.propose(world.db, world.actor("seller_tech"), case.id, case.version, "return_and_refund", None, "Retour")
    svc.accept(world.db, world.actor("camille"), case.id, case.version)
    label_id = ff.issue_return_label(world.db, world.actor("seller_tech"), case.id).id
    ff.send_back_with_proof(world.db, world.actor("camille"), case.id, label_id, [Upload("depot.pdf", PDF)], "Déposé")
    world.db.commit()
    kept = files_under(evidence_dir)
    assert len(kept) == 2  # the opening photo and the proof
    for _ in range(3):
        with pytest.raises(ServiceError, match="already_sent_back"):
            ff.send_back_with_proof(
                world.db,
                world.actor("camille"),
                case.id,
                label_id,
                [Upload("depot.pdf", image_bytes(size=(800, 600)))],
                "Encore",
            )
        world.db.rollback()
    assert files_under(evidence_dir) == kept


def test_cleanup_removes_staged_files_older_than_an_hour_only(world, incident, evidence_dir):
    """What a crash leaves in the staging folder: files whose row never committed go after
    an hour; a file whose row did commit (the crash fell between the commit and the move)
    is moved into place; a young file may belong to a transaction still running."""
    [committed] = store(world, incident, Upload("a.pdf", PDF))
    world.db.commit()
    staging = evidence.staging_dir()
    os.replace(evidence_dir / committed.stored_name, staging / committed.stored_name)  # as if it died before the move
    old_orphan, young = staging / "died", staging / "young"
    for path in (old_orphan, young):
        path.write_bytes(b"partial upload")
    hour_ago = time.time() - 3601
    for path in (old_orphan, staging / committed.stored_name):
        os.utime(path, (hour_ago, hour_ago))
    report = evidence.clean_staging(world.db)
    assert (report.promoted, report.removed) == (1, 1)
    assert files_under(evidence_dir) == sorted([evidence_dir / committed.stored_name, young])
    assert open_evidence(world.db, world.actor("camille"), committed.id)[0] == evidence_dir / committed.stored_name


def test_cleanup_with_orphans_removes_old_files_no_row_names(world, incident, evidence_dir):
    """Files earlier versions wrote in place before a crash rolled their row back."""
    [row] = store(world, incident, Upload("a.pdf", PDF))
    world.db.commit()
    orphan, young = evidence_dir / "orphan", evidence_dir / "young"
    for path in (orphan, young):
        path.write_bytes(b"no row")
    hour_ago = time.time() - 3601
    for path in (orphan, evidence_dir / row.stored_name):
        os.utime(path, (hour_ago, hour_ago))
    assert evidence.clean_staging(world.db) == evidence.CleanupReport(0, 0)
    assert evidence.clean_staging(world.db, orphans=True) == evidence.CleanupReport(0, 1)
    assert files_under(evidence_dir) == [evidence_dir / row.stored_name, young]


def test_the_command_line_and_the_background_loop_run_the_cleanup(
    world, incident, evidence_dir, engine, monkeypatch, capsys
):
    from pixmania_incidents import cli, tasks

    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    world.db.commit()
    staging = evidence.staging_dir()
    staging.mkdir(parents=True)
    for name in ("crash1", "crash2"):
        (staging / name).write_bytes(b"x")
        os.utime(staging / name, (time.time() - 7200, time.time() - 7200))
    assert cli.main(["cleanup-evidence"]) == 0
    assert "0 staged files moved into place, 2 files without a row removed" in capsys.readouterr().out
    (staging / "crash3").write_bytes(b"x")
    os.utime(staging / "crash3", (time.time() - 7200, time.time() - 7200))
    assert tasks.clean_evidence() == evidence.CleanupReport(0, 1)
    assert files_under(evidence_dir) == []


# --- bounded work per upload ---------------------------------------------------------------


def raw_pdf(catalog: bytes = b"", page: bytes = b"", *extra: bytes) -> bytes:
    """A one-page PDF written by hand (objects 1-3), with extra entries and objects 4, 5..."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]" + page + b">>",
        *extra,
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


JS = b"<</S/JavaScript/JS(app.alert(1))>>"


@pytest.mark.parametrize(
    "pdf",
    [
        raw_pdf(b"/OpenAction 4 0 R", b"", JS),
        raw_pdf(b"/Names<</JavaScript 4 0 R>>", b"", b"<</Names[(x) 5 0 R]>>", JS),
        raw_pdf(b"/OpenAction<</S/Launch/F(calc.exe)>>"),
        raw_pdf(b"", b"/AA<</O<</S/URI/URI(https://example.com)>>>>"),
        raw_pdf(
            b"/Names<</EmbeddedFiles<</Names[(a.exe) 4 0 R]>>>>",
            b"",
            b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>",
            b"<</Type/EmbeddedFile/Length 2>>stream\nMZ\nendstream",
        ),
        raw_pdf(b"/AcroForm<</Fields[]/XFA 4 0 R>>", b"", b"<</Length 6>>stream\n<xdp/>\nendstream"),
        raw_pdf(b"/OpenAction 4 0 R", b"", b"<</S/J#61vaScript/J#53(app.alert(1))>>"),  # names spelt in hex
        raw_pdf(b"", b"", JS),  # only the cross-reference table lists it
    ],
    ids=["open-js", "names-js", "launch", "page-aa", "embedded-file", "xfa", "hex-names", "unreferenced"],
)
def test_pdf_with_active_content_is_refused(world, incident, evidence_dir, pdf):
    err = refusal(world, incident, Upload("facture.pdf", pdf))
    assert err.code == "evidence.error.pdf_active" and err.params["filename"] == "facture.pdf"
    assert files_under(evidence_dir) == []


def test_pdf_with_links_and_a_page_to_open_on_passes_as_sent(world, incident):
    pdf = raw_pdf(
        b"/OpenAction[3 0 R/Fit]",
        b"/Annots[4 0 R]",
        b"<</Type/Annot/Subtype/Link/Rect[0 0 10 10]/A<</S/URI/URI(https://www.laposte.fr)>>>>",
    )
    [row] = store(world, incident, Upload("depot.pdf", pdf))
    world.db.commit()
    assert open_evidence(world.db, world.actor("camille"), row.id)[0].read_bytes() == pdf


def test_unparseable_pdf_is_refused(world, incident):
    assert refusal(world, incident, Upload("x.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")).code == (
        "evidence.error.unreadable"
    )


def noise_jpeg(size: tuple[int, int]) -> bytes:
    small = Image.frombytes("RGB", (size[0] // 8, size[1] // 8), os.urandom(size[0] // 8 * (size[1] // 8) * 3))
    out = io.BytesIO()
    small.resize(size, Image.NEAREST).save(out, format="JPEG", quality=60)
    return out.getvalue()


def test_judging_a_messages_files_is_cut_off_after_its_time(world, incident, monkeypatch):
    """Five photos just under the pixel ceiling would hold the server for seconds: the
    judging stops at its time limit and names the file it was on."""
    monkeypatch.setattr(evidence, "JUDGE_SECONDS", 0.5)
    big = noise_jpeg((7990, 5000))
    assert len(big) < MAX_BYTES
    started = time.monotonic()
    err = refusal(world, incident, *[Upload(f"photo{i}.jpg", big) for i in range(5)])
    assert time.monotonic() - started < 2.0
    assert err.code == "evidence.error.too_slow" and err.params["filename"].startswith("photo")


def test_a_large_photo_is_stored_upright_and_no_larger_than_max_side(world, incident):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show rotated 90°
    Image.new("RGB", (6000, 4500), (200, 30, 30)).save(out, format="JPEG", exif=exif.tobytes())
    [row] = store(world, incident, Upload("IMG_0002.jpg", out.getvalue()))
    world.db.commit()
    stored = Image.open(open_evidence(world.db, world.actor("camille"), row.id)[0])
    assert stored.size == (evidence.MAX_SIDE * 3 // 4, evidence.MAX_SIDE)
    assert stored.getexif() == {}


def test_daily_quota_per_user(world, incident, monkeypatch, clock):
    files = [Upload(f"{i}.jpg", image_bytes(size=(800, 600))) for i in range(3)]
    one = len(evidence.check_all(files[:1])[0].data)
    monkeypatch.setattr(settings, "EVIDENCE_DAILY_BYTES", 2 * one + one // 2)
    store(world, incident, *files[:2])
    err = refusal(world, incident, files[2])
    assert err.code == "evidence.error.quota" and err.params["left_mb"] == 0
    store(world, incident, files[2], who="seller_tech")  # another user's own allowance
    clock.advance(hours=24, seconds=1)
    assert store(world, incident, files[2])


STAGER = """
import sys, time
from pathlib import Path
from sqlmodel import Session
from pixmania_incidents import settings
from pixmania_incidents.db import make_engine
from pixmania_incidents.models import Incident, User
from pixmania_incidents.services import evidence
from pixmania_incidents.services.common import Actor
settings.EVIDENCE_DIR = Path(sys.argv[2])
with Session(make_engine(sys.argv[1])) as session:
    incident = session.get(Incident, int(sys.argv[3]))
    actor = Actor.of(session.get(User, incident.customer_id))
    evidence.store(session, actor, incident, [evidence.Checked("pdf", "preuve.pdf", b"%PDF-1.4 " * 1000)], "message")
    print("staged", flush=True)
    time.sleep(60)  # killed here, before the commit
"""


def test_a_process_killed_before_its_commit_leaves_only_staged_files_which_the_cleanup_removes(
    world, incident, evidence_dir, engine
):
    world.db.commit()
    proc = subprocess.Popen(
        [sys.executable, "-c", STAGER, str(engine.url), str(evidence_dir), str(incident.id)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "staged"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    [left] = files_under(evidence_dir)
    assert left.parent == evidence.staging_dir()
    assert evidence.clean_staging(world.db) == evidence.CleanupReport(0, 0)  # young: maybe a running transaction
    assert evidence.clean_staging(world.db, older_than=timedelta(0)) == evidence.CleanupReport(0, 1)
    assert files_under(evidence_dir) == [] and world.db.exec(select(Evidence)).all() == []
