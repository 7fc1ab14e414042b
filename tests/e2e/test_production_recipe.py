"""Issue 18: the production recipe of deploy/, as written, in front of a browser.

The units' command lines (migrations, frontend build, the configuration check, granian with three workers, the
reload) and the example environment file are read from deploy/, with only the site's own values replaced
(addresses, ports, database, Redis, mail relay); nginx runs the site template of deploy/nginx with a throwaway
certificate (trustme) for `incidents.pixmania.test`. Chromium reaches that name on the IPv6 loopback, so the
browser's address (::1) is not the proxy's (127.0.0.1, the one trusted proxy of the example file), and it
accepts exactly the throwaway certificate's key (`--ignore-certificate-errors-spki-list`, not a blanket
`--ignore-certificate-errors`).

Runs with CI=true, or when a PostgreSQL and a Redis are named (as the scaled tests); nginx comes from Debian's
packages (`make test` installs it as root).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, Response, sync_playwright

from tests.backends import open_cases
from tests.e2e.conftest import DEMO_PASSWORD, LAUNCH_ARGS, Session, expect
from tests.recipe import NGINX_SITE, ROOT, example_env, read_unit, render
from tests.server import (
    AppServer,
    backend_pids,
    base_env,
    connection_owners,
    free_port,
    pg_database,
    redis_database,
    run_cli,
    scaled_wanted,
)

pytestmark = [pytest.mark.e2e, pytest.mark.production]

HOST = "incidents.pixmania.test"
CUSTOMER = "client@demo.example.com"
WORKERS = 3
FORGED = "203.0.113.7"
#: Vite's names for the build's files: `<name>-<8 characters of the content's hash>.<ext>[.gz]`.
HASHED = re.compile(r"-[A-Za-z0-9_-]{8}\.[a-z0-9]+(\.gz)?$")


@dataclass
class Site:
    public_url: str
    http_port: int
    server: AppServer
    unit_env: dict[str, str]
    spki: str

    @property
    def workers(self) -> list[int]:
        return [pid for pid in backend_pids(self.server) if pid != self.server.proc.pid]


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        reason = "nginx is not installed (`make test` installs Debian's package when run as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _run(argv: list[str], env: dict[str, str], what: str, timeout: float = 900) -> str:
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{what} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out.stdout


def _spki_sha256(cert_pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key = x509.load_pem_x509_certificate(cert_pem).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def _wait(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out: {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    if not scaled_wanted():
        pytest.skip("the production recipe runs with CI=true, or PIXMANIA_TEST_PG/REFLEX_DB_URL and a Redis URL")
    nginx = _nginx()
    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    tmp = tmp_path_factory.mktemp("production")
    https_port, http_port, app_port, smtp_port = (free_port() for _ in range(4))
    public_url = f"https://{HOST}:{https_port}"
    ca = trustme.CA()
    cert = ca.issue_cert(HOST)
    cert.private_key_pem.write_to_path(str(tmp / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(tmp / "cert.pem"))
    relay = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)  # the mail relay
    app, build, migrate = (
        read_unit("pixmania.service"),
        read_unit("pixmania-build.service"),
        read_unit("pixmania-migrate.service"),
    )
    with pg_database() as db_url, redis_database() as redis_url, _running(relay):
        # The example file with the site's own values: everything else is run as written.
        site_values = {
            "PIXMANIA_PUBLIC_URL": public_url,
            "PORT": str(app_port),
            "REFLEX_DB_URL": db_url,
            "REFLEX_REDIS_URL": redis_url,
            "GRANIAN_WORKERS": str(WORKERS),
            "PIXMANIA_DATA_DIR": str(tmp / "data"),
            "REFLEX_WEB_WORKDIR": str(tmp / "web"),
            "REFLEX_STATES_WORKDIR": str(tmp / "states"),
            "PIXMANIA_SMTP_HOST": "127.0.0.1",
            "PIXMANIA_SMTP_PORT": str(smtp_port),
            "PIXMANIA_SMTP_STARTTLS": "0",
            "PIXMANIA_SMTP_USER": "",
            "PIXMANIA_SMTP_PASSWORD": "",
            "PIXMANIA_MAIL_FROM": "Pixmania Incidents <incidents@pixmania.fr>",
            "PIXMANIA_MAIL_DOMAIN": "pixmania.fr",
            "PIXMANIA_ALLOW_DEMO": "1",  # the demo accounts play the users
        }
        example = example_env()
        assert set(site_values) - {"PIXMANIA_ALLOW_DEMO"} <= set(example), "the example file must list them"
        assert example["PIXMANIA_TRUSTED_PROXIES"] == "127.0.0.1"  # nginx, as the example file has it

        def env_of(unit) -> dict[str, str]:  # noqa: ANN001
            # systemd: the unit's Environment=, then its EnvironmentFile= over it
            return {**base_env(tmp, app_port), **unit.environment(), **example, **site_values}

        _run(migrate.command("ExecStart", env_of(migrate)), env_of(migrate), "the migration unit", 300)
        run_cli(env_of(app), "seed")
        _run(build.command("ExecStart", env_of(build)), env_of(build), "the build unit")
        env = env_of(app)
        _run(app.command("ExecStartPre", env), env, "the configuration check before the start", 120)
        server = AppServer(app_port, tmp, env)
        server.log_path = tmp / "app.log"
        with open(server.log_path, "w") as log:
            server.proc = subprocess.Popen(
                app.command("ExecStart", env),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        conf = tmp / "nginx.conf"
        try:
            _wait(
                lambda: server.proc.poll() is not None or _healthy(f"http://127.0.0.1:{app_port}/api/health"),
                300,
                "the app's health",
            )
            assert server.proc.poll() is None, server.log_path.read_text()[-3000:]
            (tmp / "site.conf").write_text(
                render(
                    NGINX_SITE,
                    {
                        "NGINX_SERVER_NAME": HOST,
                        "NGINX_HTTPS_PORT": str(https_port),
                        "NGINX_HTTP_PORT": str(http_port),
                        "NGINX_TLS_CERTIFICATE": str(tmp / "cert.pem"),
                        "NGINX_TLS_KEY": str(tmp / "key.pem"),
                        "PIXMANIA_UPSTREAM": f"127.0.0.1:{app_port}",
                        "PIXMANIA_PUBLIC_URL": public_url,
                    },
                )
            )
            conf.write_text(
                ("user root;\n" if os.getuid() == 0 else "")
                + f"worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
                "events { worker_connections 512; }\n"
                f"http {{\n  access_log {tmp}/nginx-access.log;\n"
                + "".join(
                    f"  {kind}_temp_path {tmp}/nginx-{kind};\n"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                )
                + f"  include {tmp}/site.conf;\n}}\n"
            )
            _run([nginx, "-t", "-c", str(conf)], env, "nginx -t on the site")
            proxy = subprocess.Popen(
                [nginx, "-c", str(conf), "-g", "daemon off;"], cwd=tmp, stderr=open(tmp / "nginx.stderr", "w")
            )
            try:
                _wait(lambda: proxy.poll() is not None or (tmp / "nginx.pid").exists(), 30, "nginx")
                assert proxy.poll() is None, (tmp / "nginx.stderr").read_text()
                yield Site(public_url, http_port, server, env, _spki_sha256(cert.cert_chain_pems[0].bytes()))
            finally:
                proxy.terminate()
                proxy.wait(timeout=20)
        finally:
            server.stop()


@contextmanager
def _running(relay) -> Iterator[None]:  # noqa: ANN001 - an aiosmtpd Controller
    relay.start()
    try:
        yield
    finally:
        relay.stop()


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    """Chromium sending the site's name to the IPv6 loopback and accepting the throwaway certificate's key."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    args = [
        *LAUNCH_ARGS,
        f"--host-resolver-rules=MAP {HOST} [::1]",
        f"--ignore-certificate-errors-spki-list={site.spki}",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=args) if exe else p.chromium.launch(args=args)
        yield b
        b.close()


def _rows(site: Site, query: str, **params: object) -> list[tuple]:
    engine = sa.create_engine(site.server.db_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def _post(page: Page, body: str, reference: str) -> None:
    """The seller answers from a freshly loaded page (whichever worker it lands on); only the customer's tab
    has to live through the restarts."""
    page.reload()
    expect(page.get_by_text(reference).first).to_be_visible()
    page.locator("#thread_body").fill(body)
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text(body)).to_be_visible()


def _locked_states(site: Site) -> list[bytes]:
    """Reflex's locks (`<token>_lock`) held right now in the app's Redis database."""
    import redis

    store = redis.Redis.from_url(site.unit_env["REFLEX_REDIS_URL"])
    try:
        return list(store.scan_iter(match="*_lock"))
    finally:
        store.close()


def _websocket_workers(site: Site) -> set[int]:
    """The workers holding a connection from nginx: the websockets (nginx closes every other one after its
    request)."""
    time.sleep(1)
    return set(connection_owners(site.server).values())


def test_the_recipe_serves_a_live_desk_over_https_through_nginx(site: Site, browser: Browser):
    incident_id, reference, seller_email = open_cases(site.server, CUSTOMER)[0]
    customer = Session(browser, site.public_url)
    seller = Session(browser, site.public_url)
    try:
        # Over https through nginx: HSTS on the pages, the build's files cached, the login cookie Secure.
        assets: list[Response] = []
        customer.page.on("response", lambda r: assets.append(r) if "/assets/" in r.url else None)
        response = customer.page.goto("/login")
        assert response.url.startswith(f"{site.public_url}/login")
        assert "max-age=" in response.headers["strict-transport-security"]
        _assert_assets_are_hashed_and_cached_for_a_year(site, assets)
        customer.login(CUSTOMER)
        cookie = next(c for c in customer.context.cookies() if c["name"] == "pixmania_session")
        assert cookie["secure"] and cookie["httpOnly"]

        # The login counted the browser's address as nginx forwarded it, not nginx's.
        ips = _rows(site, "SELECT ip FROM loginattempt WHERE email = :e", e=CUSTOMER)
        assert ips and {ip for (ip,) in ips} == {"::1"}

        page = customer.page
        page.goto(f"/incidents/{reference}")
        expect(page.get_by_text(reference).first).to_be_visible()
        customer_worker = _websocket_workers(site)
        assert len(customer_worker) == 1, customer_worker

        seller.login(seller_email)
        seller.page.goto(f"/incidents/{reference}")
        first = f"Nous expédions un échange aujourd'hui {uuid.uuid4().hex[:6]}"
        _post(seller.page, first, reference)
        expect(page.get_by_text(first)).to_be_visible()

        # One worker dies under the open tab (the customer's): granian starts another, the tab reconnects.
        # It dies between two events. Killed in the middle of one, it would leave the locks it held to expire
        # (10 s); a tab reconnecting meanwhile waits for its rooms' locks while its own expires, and its page's
        # load is lost (Reflex 0.10's LockExpiredError) until the user reloads: a limit of Reflex, not tested here.
        workers = site.workers
        assert len(workers) == WORKERS
        _wait(lambda: not _locked_states(site), 30, "no state locked")
        os.kill(customer_worker.pop(), signal.SIGKILL)
        _wait(lambda: len(site.workers) == WORKERS and set(site.workers) != set(workers), 120, "a new worker")
        second = f"Le transporteur passe demain matin {uuid.uuid4().hex[:6]}"
        _post(seller.page, second, reference)
        expect(page.get_by_text(second)).to_be_visible(timeout=60_000)
        thanks = f"Merci, je serai là {uuid.uuid4().hex[:6]}"  # and the tab still acts, not only listens
        page.locator("#thread_body").fill(thanks)
        page.get_by_role("button", name="Envoyer", exact=True).click()
        expect(seller.page.get_by_text(thanks)).to_be_visible()

        # An upgrade: the unit's reload checks the configuration, then granian restarts the workers one by one.
        before = set(site.workers)
        unit = read_unit("pixmania.service")
        check = unit.command("ExecReload", site.unit_env, 0)
        assert "check-config" in check
        _run(check, site.unit_env, "the configuration check before the reload", 120)
        _run(
            unit.command("ExecReload", site.unit_env, 1, MAINPID=str(site.server.proc.pid)), site.unit_env, "the reload"
        )
        _wait(lambda: len(site.workers) == WORKERS and not before & set(site.workers), 180, "every worker restarted")
        third = f"Votre remboursement part ce soir {uuid.uuid4().hex[:6]}"
        _post(seller.page, third, reference)
        expect(page.get_by_text(third)).to_be_visible(timeout=60_000)
        assert site.server.proc.poll() is None
    finally:
        customer.close()
        seller.close()


def _assert_assets_are_hashed_and_cached_for_a_year(site: Site, assets: list[Response]) -> None:
    """Every file of the build's /assets/ carries a hash of its content in its name, so nginx lets browsers
    keep them a year without asking again."""
    folder = Path(site.unit_env["REFLEX_WEB_WORKDIR"]).resolve() / "build" / "client" / "assets"
    names = [path.name for path in folder.iterdir()]
    assert names and all(HASHED.search(name) for name in names), [n for n in names if not HASHED.search(n)]
    assert assets, "the page loaded nothing from /assets/"
    for response in assets:
        assert response.status == 200, response.url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable", response.url


def test_a_forged_forwarded_address_is_not_believed(site: Site, browser: Browser):
    """A browser writing its own X-Forwarded-For: nginx appends the address it sees, and the app takes the
    last hop that is not a trusted proxy, so the guesses count against the browser's real address."""
    context = browser.new_context(base_url=site.public_url, extra_http_headers={"X-Forwarded-For": FORGED})
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label(re.compile(r"adresse e-mail", re.I)).fill(CUSTOMER)
        page.get_by_label(re.compile(r"mot de passe", re.I)).fill(DEMO_PASSWORD + "-typo")
        page.get_by_role("button", name=re.compile(r"se connecter", re.I)).click()
        expect(page.get_by_role("alert")).to_be_visible()
    finally:
        context.close()
    assert FORGED not in {ip for (ip,) in _rows(site, "SELECT ip FROM loginattempt")}
    keys = {key for (key,) in _rows(site, "SELECT key FROM throttle")}
    assert "guess-address:::1" in keys and not any(FORGED in key for key in keys)


def test_plain_http_is_sent_to_the_public_url(site: Site):
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.http_port}/login?next=/orders", headers={"Host": f"{HOST}:{site.http_port}"}
    )
    opener = urllib.request.build_opener(_NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=10)
    assert answer.value.code == 301
    assert answer.value.headers["Location"] == f"{site.public_url}/login?next=/orders"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None
