"""OpenID Connect bearer tokens: a small identity provider (compat/oidc_provider.py) runs beside
the server and signs tokens with keys it generates; the real mlflow client sends them with
MLFLOW_TRACKING_TOKEN. Valid RS256 and ES256 tokens sign in (the user is created on first sight and
bound to the token's iss + sub, their provider groups give roles; a token whose name is a local
account's or another identity's is refused, never merged); expired, wrong-audience, wrong-issuer, badly signed, `alg: none`
and unknown-key tokens are refused with 401; a rotated key is picked up."""
import os
import tempfile
import time
import uuid

import pytest
import requests

from helpers import own_run_source
from conftest import SWIFTRACK_BIN, auth_server_environment, _free_port, start_logged, stop_process_group, wait_for_health
from oidc_provider import Provider, b64url, compact

pytestmark = [
    pytest.mark.swiftrack_only,
    pytest.mark.skipif(os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite") != "sqlite",
                       reason="sign-in does not depend on the engine: runs in the SQLite pass"),
]
ADMIN = ("admin", "admin-password-1")
AUDIT_DB = None   # the module server's audit database


def _audited(user, timeout=10):
    """The (auth_method, route, status) of the user's audit records, once the writer has them."""
    import sqlite3
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(AUDIT_DB) as db:
            rows = db.execute("SELECT auth_method, route, status FROM audit_records WHERE user_name = ? ORDER BY seq",
                              (user,)).fetchall()
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


@pytest.fixture(scope="module")
def provider():
    idp = Provider(audience="swiftrack")
    yield idp
    idp.stop()


@pytest.fixture(scope="module")
def server(provider):
    tmp = tempfile.mkdtemp(prefix="compat-oidc-")
    port = _free_port()
    _, env = auth_server_environment(
        tmp, ADMIN, f"[swiftrack]\ngovernance_role = governance\n"
                f"[oidc]\nissuer = {provider.issuer}\naudience = swiftrack\nusername_claim = preferred_username\n"
                "group_roles = ml-governance: governance\nadmin_groups = ml-admins\nkey_refresh_seconds = 1\n"
                f"redirect_uri = http://127.0.0.1:{port}/oidc/callback\nsession_hours = 1\n")
    global AUDIT_DB
    AUDIT_DB = os.path.join(tmp, "audit.db")
    cmd = [SWIFTRACK_BIN, "server", "--app-name", "basic-auth", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
           "--default-artifact-root", os.path.join(tmp, "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--audit-db-uri", f"sqlite:///{AUDIT_DB}"]
    log_path = os.path.join(tmp, "server.log")
    proc, log = start_logged(cmd, env, tmp, log_path)
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, proc, "swiftrack with OIDC", log_path)
    requests.post(base + "/api/3.0/mlflow/roles/create", json={"name": "governance"}, auth=ADMIN, timeout=15)
    yield base
    stop_process_group(proc, timeout=15)
    log.close()


def _get(base, token, path="/api/2.0/mlflow/experiments/search", **params):
    return requests.get(base + path, params=params or {"max_results": 1},
                        headers={"Authorization": f"Bearer {token}"}, timeout=15)


def _name():
    return f"oidc-{uuid.uuid4().hex[:8]}"


def test_the_mlflow_client_signs_in_with_a_token(server, provider, monkeypatch):
    from mlflow import MlflowClient
    user = _name()
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", provider.token(user))
    client = MlflowClient(tracking_uri=server)
    experiment = client.create_experiment(f"oidc-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment)
    client.log_metric(run.info.run_id, "loss", 0.25)
    assert client.get_run(run.info.run_id).data.metrics == {"loss": 0.25}
    # The provider's user exists now, manages what they made, and has no password that works.
    made = requests.get(server + "/api/2.0/mlflow/users/get", params={"username": user}, auth=ADMIN, timeout=15)
    assert made.status_code == 200 and made.json()["user"]["username"] == user
    grant = requests.get(server + "/api/3.0/mlflow/users/permissions/get", auth=ADMIN, timeout=15,
                         params={"username": user, "resource_type": "experiment", "resource_id": experiment})
    assert grant.json()["permission"] == "MANAGE", grant.text
    assert requests.get(server + "/api/2.0/mlflow/users/current", auth=(user, "!external"), timeout=15).status_code == 401


def test_an_es256_token_signs_in_too(server, provider):
    user = _name()
    reply = _get(server, provider.token(user, kid="ec-1"))
    assert reply.status_code == 200, reply.text
    assert _audited(user) == [("oidc", "/api/2.0/mlflow/experiments/search", 200)]


@pytest.mark.parametrize("case", ["expired", "wrong audience", "wrong issuer", "bad signature", "alg none",
                                  "unknown key", "not yet valid", "no user", "no subject", "garbage"])
def test_bad_tokens_are_refused(server, provider, case):
    user = _name()
    if case == "expired":
        token = provider.token(user, lifetime=-120)
    elif case == "wrong audience":
        token = provider.token(user, aud="some-other-app")
    elif case == "wrong issuer":
        token = provider.token(user, iss="https://evil.example")
    elif case == "bad signature":
        good = provider.token(user).split(".")
        forged = provider.claims("admin")
        token = ".".join([good[0], b64url(__import__("json").dumps(forged).encode()), good[2]])
    elif case == "alg none":
        token = compact({"alg": "none", "typ": "JWT"}, provider.claims("admin"), lambda data: b"")
    elif case == "unknown key":
        token = provider.token(user, header={"alg": "RS256", "kid": "never-published"})
    elif case == "not yet valid":
        token = provider.token(user, nbf=int(time.time()) + 3600)
    elif case == "no user":
        token = provider.token(user, preferred_username=None)
    elif case == "no subject":
        token = provider.token(user, sub=None)
    else:
        token = "not.a.token"
    reply = _get(server, token)
    assert reply.status_code == 401, reply.text
    assert reply.json()["error_code"] == "UNAUTHENTICATED"
    assert reply.headers["WWW-Authenticate"].startswith('Bearer realm="mlflow", error="invalid_token"')


def test_without_credentials_both_schemes_are_offered(server):
    reply = requests.get(server + "/api/2.0/mlflow/experiments/search", timeout=15)
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="mlflow", Bearer realm="mlflow"'
    assert requests.get(server + "/api/2.0/mlflow/users/current", auth=ADMIN, timeout=15).status_code == 200


def test_a_rotated_key_is_picked_up(server, provider):
    assert _get(server, provider.token(_name())).status_code == 200
    provider.rotate(f"rsa-{uuid.uuid4().hex[:6]}")
    new_key = provider.keys[-1].kid
    fetched = provider.jwks_fetches
    time.sleep(1.2)   # key_refresh_seconds = 1
    assert _get(server, provider.token(_name(), kid=new_key)).status_code == 200
    assert provider.jwks_fetches == fetched + 1


def test_provider_groups_give_roles_and_admin(server, provider):
    from mlflow import MlflowClient
    scientist, reviewer = _name(), _name()
    model = f"oidc-model-{uuid.uuid4().hex[:6]}"
    headers = lambda user, groups=(): {"Authorization": f"Bearer {provider.token(user, groups)}"}
    assert requests.post(server + "/api/2.0/mlflow/registered-models/create", json={"name": model},
                         headers=headers(scientist), timeout=15).status_code == 200
    source = own_run_source(server, headers=headers(scientist))
    assert requests.post(server + "/api/2.0/mlflow/model-versions/create", json={"name": model, **source},
                         headers=headers(scientist), timeout=15).status_code == 200
    assert _get(server, provider.token(reviewer, ["ml-governance"])).status_code == 200
    assert requests.post(server + "/api/3.0/mlflow/users/permissions/grant", auth=ADMIN, timeout=15,
                         json={"username": reviewer, "resource_type": "registered_model", "resource_id": model,
                               "permission": "EDIT"}).status_code == 200
    promote = {"name": model, "version": "1", "stage": "Production"}
    refused = requests.post(server + "/api/2.0/mlflow/model-versions/transition-stage", json=promote,
                            headers=headers(scientist, ["staff"]), timeout=15)
    assert refused.status_code == 403 and "'governance' role" in refused.json()["message"]
    done = requests.post(server + "/api/2.0/mlflow/model-versions/transition-stage", json=promote,
                         headers=headers(reviewer, ["ml-governance"]), timeout=15)
    assert done.status_code == 200 and done.json()["model_version"]["current_stage"] == "Production"
    roles = requests.get(server + "/api/3.0/mlflow/users/roles/list", params={"username": reviewer}, auth=ADMIN,
                         timeout=15).json()["roles"]
    assert "governance" in [r["name"] for r in roles]
    # Leaving the group in the provider takes the role with the next token.
    assert _get(server, provider.token(reviewer, ["staff"])).status_code == 200
    roles = requests.get(server + "/api/3.0/mlflow/users/roles/list", params={"username": reviewer}, auth=ADMIN,
                         timeout=15).json()["roles"]
    assert "governance" not in [r["name"] for r in roles]
    # Members of an admin group are admins.
    boss = _name()
    assert _get(server, provider.token(boss, ["ml-admins"]), path="/api/2.0/mlflow/users/list").status_code == 200
    assert requests.get(server + "/api/2.0/mlflow/users/get", params={"username": boss}, auth=ADMIN,
                        timeout=15).json()["user"]["is_admin"] is True


def _cookie(reply, name):
    """The value and attributes of a Set-Cookie header by name."""
    for header in reply.raw.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            value, _, attributes = header.partition(";")
            return value.split("=", 1)[1], attributes
    raise AssertionError(f"no {name} cookie in {reply.headers}")


def _browser_sign_in(server, provider, username, groups=(), next_path="/api/2.0/mlflow/experiments/search"):
    provider.next_login = (username, tuple(groups))
    login = requests.get(server + "/oidc/login", params={"next": next_path}, allow_redirects=False, timeout=15)
    assert login.status_code == 302
    location = login.headers["Location"]
    assert location.startswith(provider.issuer + "/authorize?") and "code_challenge_method=S256" in location
    state_cookie, attributes = _cookie(login, "swiftrack_oidc")
    assert "HttpOnly" in attributes and "Secure" in attributes and "SameSite=Lax" in attributes
    at_provider = requests.get(location, allow_redirects=False, timeout=15)
    assert at_provider.status_code == 302
    callback = at_provider.headers["Location"]
    return callback, state_cookie


def test_a_browser_signs_in_with_the_code_flow_and_pkce(server, provider):
    user = _name()
    callback, state_cookie = _browser_sign_in(server, provider, user, ["ml-governance"])
    done = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert done.status_code == 302, done.text
    assert done.headers["Location"] == "/api/2.0/mlflow/experiments/search"
    session, attributes = _cookie(done, "swiftrack_session")
    assert "HttpOnly" in attributes and "Secure" in attributes and "SameSite=Lax" in attributes
    assert "Max-Age=3600" in attributes
    # The provider was asked with the PKCE verifier and our client id (it checked the S256 challenge).
    exchange = provider.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code" and exchange["client_id"] == "swiftrack"
    assert len(exchange["code_verifier"]) >= 43
    # The session signs the browser in; the provider's groups gave the role.
    page = requests.get(server + "/api/2.0/mlflow/users/current", headers={"Cookie": f"swiftrack_session={session}"},
                        timeout=15)
    assert page.status_code == 200 and page.json()["user"]["username"] == user
    roles = requests.get(server + "/api/3.0/mlflow/users/roles/list", params={"username": user}, auth=ADMIN,
                         timeout=15).json()["roles"]
    assert "governance" in [r["name"] for r in roles]
    # A changed cookie is nobody's; a changing request from another site's page is refused.
    forged = session[:-2] + ("AA" if not session.endswith("AA") else "BB")
    assert requests.get(server + "/api/2.0/mlflow/users/current", headers={"Cookie": f"swiftrack_session={forged}"},
                        timeout=15).status_code == 401
    cross = requests.post(server + "/api/2.0/mlflow/experiments/create", json={"name": _name()}, timeout=15,
                          headers={"Cookie": f"swiftrack_session={session}", "Origin": "https://evil.example"})
    assert cross.status_code == 403 and cross.json()["error_code"] == "PERMISSION_DENIED"
    same = requests.post(server + "/api/2.0/mlflow/experiments/create", json={"name": _name()}, timeout=15,
                         headers={"Cookie": f"swiftrack_session={session}", "Origin": server})
    assert same.status_code == 200, same.text
    # The audit log tells a browser session from a bearer token.
    assert ("session", "/api/2.0/mlflow/users/current", 200) in _audited(user)
    out = requests.get(server + "/oidc/logout", allow_redirects=False, timeout=15)
    assert out.status_code == 302 and "Max-Age=0" in _cookie(out, "swiftrack_session")[1]


def test_a_sign_in_with_the_wrong_state_or_a_used_code_is_refused(server, provider):
    callback, state_cookie = _browser_sign_in(server, provider, _name())
    wrong_state = callback.replace("state=", "state=x")
    refused = requests.get(wrong_state, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False,
                           timeout=15)
    assert refused.status_code == 401 and "state does not match" in refused.json()["message"]
    no_cookie = requests.get(callback, allow_redirects=False, timeout=15)
    assert no_cookie.status_code == 401 and "start again at /oidc/login" in no_cookie.json()["message"]
    first = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert first.status_code == 302
    again = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert again.status_code == 401   # the provider exchanges a code once
    # Only paths of this server are returned to.
    callback, state_cookie = _browser_sign_in(server, provider, _name(), next_path="//evil.example/x")
    done = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert done.status_code == 302 and done.headers["Location"] == "/"


@pytest.mark.timeout(60)
def test_the_builtin_ui_is_offered_the_providers_sign_in(server):
    """The built-in UI's calls get no Basic challenge (no browser dialog) and learn that /oidc/login is there."""
    reply = requests.get(server + "/ajax-api/2.0/mlflow/users/current", headers={"X-Swiftrack-UI": "1"}, timeout=15)
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="mlflow"'
    assert reply.headers["X-Swiftrack-Sign-In"] == "password, oidc"
    from browser import Browser, available
    if not available():
        return
    browser = Browser()
    try:
        browser.open(server + "/#/experiments", ready="form.signin")
        link = browser.driver.find_element("link text", "Sign in with your identity provider")
        assert link.get_attribute("href") == server + "/oidc/login?next=%2F"
        refused = browser.problems()
        assert refused and all("401" in p for p in refused), refused
    finally:
        browser.close()


def test_a_token_named_like_a_local_account_is_refused(server, provider):
    """Issue 20, hole 5: `preferred_username` is often the user's to choose; naming yourself `admin`
    must not make you the admin."""
    reply = _get(server, provider.token("attacker-" + uuid.uuid4().hex[:6], preferred_username="admin"),
                 path="/api/2.0/mlflow/users/list")
    # 403 once the API answers a refused sign-in with its own status (the Auth layer throws
    # PERMISSION_DENIED); never 200.
    assert reply.status_code != 200, reply.text
    assert "'admin', which a local account holds" in reply.json()["message"], reply.text
    me = requests.get(server + "/api/2.0/mlflow/users/get", params={"username": "admin"}, auth=ADMIN, timeout=15)
    assert me.status_code == 200 and me.json()["user"]["is_admin"] is True
    assert requests.get(server + "/api/2.0/mlflow/users/current", auth=ADMIN, timeout=15).status_code == 200


def test_a_browser_sign_in_named_like_a_local_account_is_403(server, provider):
    callback, state_cookie = _browser_sign_in(server, provider, "admin")
    done = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert done.status_code == 403, done.text
    assert done.json()["error_code"] == "PERMISSION_DENIED"
    assert "'admin', which a local account holds" in done.json()["message"]
    assert "swiftrack_session" not in done.headers.get("Set-Cookie", "")


def test_an_identity_keeps_its_user_and_another_subject_cannot_take_it(server, provider):
    user = _name()
    assert _get(server, provider.token(user)).status_code == 200   # sub-<user> made <user>
    # The same subject under another name is still that user.
    renamed = _get(server, provider.token(user, preferred_username=user + "-renamed"),
                   path="/api/2.0/mlflow/users/current")
    assert renamed.status_code == 200 and renamed.json()["user"]["username"] == user, renamed.text
    assert requests.get(server + "/api/2.0/mlflow/users/get", params={"username": user + "-renamed"}, auth=ADMIN,
                        timeout=15).status_code == 404
    # Another subject with that name is refused.
    other = _get(server, provider.token(user, sub="sub-someone-else"))
    assert other.status_code != 200 and "another sign-in identity" in other.json()["message"], other.text


@pytest.mark.parametrize("next_path", ["/\t/evil.example", "/%09/evil.example/", "/\n/evil.example", "/ /evil.example",
                                       "/\x0b/evil.example", "\t//evil.example", "/\\/evil.example"])
def test_the_return_path_may_not_hide_another_host(server, provider, next_path):
    """Issue 20, hole 12: browsers drop tabs and newlines in URLs, so `/<tab>/evil` would be `//evil`."""
    callback, state_cookie = _browser_sign_in(server, provider, _name(), next_path=next_path)
    done = requests.get(callback, headers={"Cookie": f"swiftrack_oidc={state_cookie}"}, allow_redirects=False, timeout=15)
    assert done.status_code == 302, done.text
    expected = "/%09/evil.example/" if next_path == "/%09/evil.example/" else "/"   # encoded, it is a path here
    assert done.headers["Location"] == expected
