"""`python -m pixmania_incidents create-admin`: a fresh production database gets a first
administrator with a password nobody else knows (issue 13); demo accounts stay on localhost."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from pixmania_incidents import cli, settings
from pixmania_incidents import db as dbmod
from pixmania_incidents.models import Role, User
from pixmania_incidents.services import auth, demo
from pixmania_incidents.services.demo import DEMO_ACCOUNTS


@pytest.fixture
def app_db(engine, monkeypatch):
    monkeypatch.setattr(dbmod, "get_engine", lambda: engine)
    return engine


def _typed(monkeypatch, *answers: str) -> None:
    answers_left = list(answers)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": answers_left.pop(0))


def test_the_password_is_asked_twice_and_the_administrator_can_log_in(app_db, monkeypatch, capsys):
    _typed(monkeypatch, "une phrase de passe 2026", "une phrase de passe 2026")
    assert cli.main(["create-admin", "--email", "Ada@Pixmania.fr", "--name", "Ada"]) == 0
    out = capsys.readouterr().out
    assert "ada@pixmania.fr" in out and "une phrase de passe 2026" not in out
    with Session(app_db) as s:
        user = s.exec(select(User).where(User.email == "ada@pixmania.fr")).one()
        assert (user.role, user.name) == (Role.admin, "Ada")
        auth.login(s, "ada@pixmania.fr", "une phrase de passe 2026")


def test_a_generated_password_is_printed_once_and_works(app_db, capsys):
    assert cli.main(["create-admin", "--email", "ada@pixmania.fr", "--generate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    password = next(line.split(": ", 1)[1] for line in lines if line.startswith("password (shown once)"))
    assert len(password) >= 16
    with Session(app_db) as s:
        auth.login(s, "ada@pixmania.fr", password)


@pytest.mark.parametrize(
    "typed,email,message",
    [
        (("court1", "court1"), "ada@pixmania.fr", "Password too weak"),
        (("une phrase de passe 2026", "une autre phrase 2026"), "ada@pixmania.fr", "the two passwords differ"),
        (("une phrase de passe 2026",) * 2, "a,b@pixmania.fr", "Invalid e-mail address"),
    ],
)
def test_refusals_are_one_line_with_status_2(app_db, monkeypatch, capsys, typed, email, message):
    _typed(monkeypatch, *typed)
    assert cli.main(["create-admin", "--email", email]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    with Session(app_db) as s:
        assert s.exec(select(User)).all() == []


def test_an_existing_email_is_refused(app_db, capsys):
    assert cli.main(["create-admin", "--email", "ada@pixmania.fr", "--generate"]) == 0
    assert cli.main(["create-admin", "--email", "ada@pixmania.fr", "--generate"]) == 2
    assert "An account already exists" in capsys.readouterr().err


def test_demo_accounts_keep_the_app_on_localhost(db, monkeypatch):
    assert not demo.demo_data_present(db)
    db.add(User(email=DEMO_ACCOUNTS[0][0], name="Camille", role=Role.customer, password_hash="!"))
    db.flush()
    assert demo.demo_data_present(db)
    assert demo.start_refusal(db) is None  # localhost
    monkeypatch.setattr(settings, "PUBLIC_URL", "https://incidents.pixmania.fr")
    assert "PIXMANIA_ALLOW_DEMO=1" in demo.start_refusal(db)
    monkeypatch.setattr(settings, "ALLOW_DEMO", True)
    assert demo.start_refusal(db) is None
