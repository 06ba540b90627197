"""Who may change data: the analyst role, decided from configuration and the request.

Pure functions (no Streamlit import) so the rules are unit-tested; the page helper in
``pages/_corrections.py`` feeds them ``st.secrets``, ``st.user``, ``st.context`` and the key a
person typed. Three set-ups, the first configured one wins:

1. **OIDC** — ``[auth]`` in ``.streamlit/secrets.toml``: people sign in with ``st.login``; the
   analysts are the accounts listed in ``[gongkai] analysts = [...]`` or ``GONGKAI_ANALYSTS``
   (comma separated e-mails). Everyone else is a viewer.
2. **Analyst key** — ``[gongkai] analyst_key`` or ``GONGKAI_ANALYST_KEY``: typed into a password
   field, compared in constant time (``hmac.compare_digest``), remembered only in the session
   (never in the URL, so a shared link never carries it).
3. **Local only** — nothing configured: changes are allowed only from the machine running the
   dashboard (no client IP, 127.0.0.1 or ::1, and no proxy forwarding headers).

Viewing never needs anything.
"""
from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Mode = Literal["oidc", "key", "local"]
Role = Literal["analyst", "viewer"]

PROXY_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")


@dataclass(frozen=True)
class AccessConfig:
    mode: Mode
    analysts: frozenset[str] = field(default_factory=frozenset)
    analyst_key: str | None = None


@dataclass(frozen=True)
class Decision:
    role: Role
    mode: Mode
    reason: str
    who: str | None = None

    @property
    def is_analyst(self) -> bool:
        return self.role == "analyst"


def _section(secrets: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    if not secrets:
        return {}
    try:
        sec = secrets.get(name)  # type: ignore[union-attr]
    except Exception:
        return {}
    return sec if isinstance(sec, Mapping) or hasattr(sec, "get") else {}


def _split(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    return frozenset(str(i).strip().lower() for i in items if str(i).strip())


def load_config(secrets: Mapping[str, Any] | None, env: Mapping[str, str]) -> AccessConfig:
    """The set-up in force, from Streamlit secrets (may be empty) and the environment."""
    gk = _section(secrets, "gongkai")
    auth = _section(secrets, "auth")
    analysts = _split(gk.get("analysts")) | _split(env.get("GONGKAI_ANALYSTS"))
    if auth:
        return AccessConfig("oidc", analysts=analysts)
    key = gk.get("analyst_key") or env.get("GONGKAI_ANALYST_KEY") or None
    if key:
        return AccessConfig("key", analysts=analysts, analyst_key=str(key))
    return AccessConfig("local", analysts=analysts)


def key_matches(entered: str | None, expected: str | None) -> bool:
    """Constant-time comparison; an empty key never matches."""
    if not entered or not expected:
        return False
    return hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8"))


def is_local_request(ip: str | None, headers: Mapping[str, str] | None) -> bool:
    """True when the request comes from this machine and not through a proxy.

    Streamlit reports no IP for localhost connections (and in AppTest). A reverse proxy on the
    same machine would make every visitor look local, so forwarding headers mean "not local".
    A server on a dual-stack socket reports IPv4 clients in IPv4-mapped form
    (``::ffff:127.0.0.1``), which Python 3.11 does not count as loopback: it is unmapped first.
    """
    hdrs = {str(k).lower(): v for k, v in (headers or {}).items()}
    if any(h in hdrs for h in PROXY_HEADERS):
        return False
    if ip is None or ip == "":
        return True
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return (mapped or addr).is_loopback


def decide(
    cfg: AccessConfig,
    *,
    user_email: str | None = None,
    logged_in: bool = False,
    entered_key: str | None = None,
    ip: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Decision:
    """The role of this session, with a reason a person can read."""
    if cfg.mode == "oidc":
        if not logged_in:
            return Decision("viewer", "oidc", "sign in to upload or correct data")
        email = (user_email or "").strip().lower()
        if email and email in cfg.analysts:
            return Decision("analyst", "oidc", f"signed in as analyst {email}", who=email)
        return Decision("viewer", "oidc", f"{email or 'this account'} is not in the analysts list", who=email or None)
    if cfg.mode == "key":
        if key_matches(entered_key, cfg.analyst_key):
            return Decision("analyst", "key", "analyst key accepted")
        if entered_key:
            return Decision("viewer", "key", "wrong analyst key")
        return Decision("viewer", "key", "enter the analyst key to upload or correct data")
    if is_local_request(ip, headers):
        return Decision("analyst", "local", "no sign-in configured: changes allowed from this machine")
    return Decision(
        "viewer", "local",
        "uploads and corrections are allowed only from the machine running the dashboard "
        "(no analyst key or sign-in is configured)",
    )
