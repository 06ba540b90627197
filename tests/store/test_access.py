"""Access rules: OIDC accounts, the analyst key (constant time), local-only fallback."""
from __future__ import annotations

import hmac

from etl.store import access
from etl.store.access import decide, is_local_request, key_matches, load_config


def test_modes_from_secrets_and_env():
    assert load_config({}, {}).mode == "local"
    cfg = load_config({}, {"GONGKAI_ANALYST_KEY": "s3cret"})
    assert (cfg.mode, cfg.analyst_key) == ("key", "s3cret")
    cfg = load_config({"gongkai": {"analyst_key": "fromsecrets"}}, {})
    assert (cfg.mode, cfg.analyst_key) == ("key", "fromsecrets")
    cfg = load_config({"auth": {"client_id": "x"}, "gongkai": {"analysts": ["A@x.org"], "analyst_key": "k"}},
                      {"GONGKAI_ANALYSTS": "b@y.org, c@z.org"})
    assert cfg.mode == "oidc"  # OIDC wins over a key
    assert cfg.analysts == {"a@x.org", "b@y.org", "c@z.org"}


def test_key_mode():
    cfg = load_config({}, {"GONGKAI_ANALYST_KEY": "s3cret"})
    assert not decide(cfg).is_analyst
    assert "enter the analyst key" in decide(cfg).reason
    wrong = decide(cfg, entered_key="guess")
    assert not wrong.is_analyst and wrong.reason == "wrong analyst key"
    assert decide(cfg, entered_key="s3cret").is_analyst
    # the key mode never falls back to "local machine is enough"
    assert not decide(cfg, ip=None).is_analyst


def test_key_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert key_matches("abc", "abc") and not key_matches("abd", "abc")
    assert calls == [(b"abc", b"abc"), (b"abd", b"abc")]
    assert not key_matches("", "") and not key_matches(None, "abc") and not key_matches("x", None)


def test_oidc_mode():
    cfg = load_config({"auth": {"client_id": "x"}, "gongkai": {"analysts": ["ana@x.org"]}}, {})
    assert not decide(cfg).is_analyst and "sign in" in decide(cfg).reason
    d = decide(cfg, logged_in=True, user_email="Ana@X.org")
    assert d.is_analyst and d.who == "ana@x.org"
    d = decide(cfg, logged_in=True, user_email="viewer@x.org")
    assert not d.is_analyst and "not in the analysts list" in d.reason
    # in OIDC mode only the account decides: neither a key nor the local machine helps
    assert not decide(cfg, logged_in=True, user_email="viewer@x.org", entered_key="k", ip=None).is_analyst
    assert decide(cfg, logged_in=True, user_email="ana@x.org", ip="10.0.0.1").is_analyst


def test_local_only_mode():
    cfg = load_config({}, {})
    assert decide(cfg, ip=None).is_analyst
    assert decide(cfg, ip="127.0.0.1").is_analyst and decide(cfg, ip="::1").is_analyst
    far = decide(cfg, ip="203.0.113.9")
    assert not far.is_analyst and "only from the machine running the dashboard" in far.reason
    assert not decide(cfg, ip=None, headers={"X-Forwarded-For": "203.0.113.9"}).is_analyst


def test_is_local_request():
    assert is_local_request(None, {})
    assert is_local_request("127.0.0.5", None)
    assert not is_local_request("192.168.1.2", {})
    assert not is_local_request("not-an-ip", {})
    assert not is_local_request("127.0.0.1", {"x-real-ip": "1.2.3.4"})
