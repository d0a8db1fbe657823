"""From the config to the portal's options: allowlist, practice or real portal, patterns."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from kiosk_app.portal.rules import PRACTICE_SUBMISSION, PortalRules, SubmissionPattern

log = logging.getLogger("kiosk.portal")


@dataclass
class PortalOptions:
    home_url: str
    rules: PortalRules
    zoom: float = 1.25
    practice: bool = False
    submission_patterns: tuple[SubmissionPattern, ...] = (PRACTICE_SUBMISSION,)
    keep_dossier_code: bool = False
    load_timeout_s: int = 60
    retry_first_s: int = 10


def origins_for_domains(domains: list[str]) -> list[str]:
    """A config domain allows itself and its subdomains, over https only."""
    out: list[str] = []
    for d in domains:
        d = d.strip().lower()
        if d == "*":
            out.append("*")
        elif d:
            out += [f"https://{d}", f"https://*.{d}"]
    return out


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def portal_options(section, practice_home_url: str | None = None) -> PortalOptions:
    """``section`` is the config's [portal]; with ``practice_home_url`` the practice portal
    replaces the real one (and only it may be visited)."""
    common = dict(
        zoom=section.zoom, keep_dossier_code=section.keep_dossier_code,
        load_timeout_s=section.load_timeout_s, retry_first_s=section.retry_s,
    )
    download = dict(permissions=section.allowed_permissions, download_extensions=section.download_extensions,
                    max_download_bytes=section.max_download_mb * 1024 * 1024)
    if practice_home_url:
        rules = PortalRules.from_lists([origin_of(practice_home_url)], **download)
        return PortalOptions(practice_home_url, rules, practice=True, submission_patterns=(PRACTICE_SUBMISSION,),
                             **common)
    navigation = origins_for_domains(section.allowed_domains)
    start_origin = origin_of(section.start_url)
    if start_origin not in navigation:
        navigation.append(start_origin)
    rules = PortalRules.from_lists(navigation, origins_for_domains(section.subresource_domains), **download)
    patterns = tuple(SubmissionPattern(p.url, p.text, p.code) for p in section.submission_patterns)
    return PortalOptions(section.start_url, rules, practice=False, submission_patterns=patterns, **common)


def as_real_portal_url(practice_url: str, portal: str = "https://dichvucong.gov.vn") -> str:
    """The practice portal imitates the real portal's paths: the same page on the real host,
    so the guide steps' URL patterns find the step for a practice page too."""
    parts = urlsplit(practice_url)
    return portal + parts.path + (f"?{parts.query}" if parts.query else "")


def use_practice(setting: str, reachable: Callable[[], bool]) -> bool:
    """Practice portal or the real one? ``reachable`` is asked only when it matters."""
    if setting == "on":
        return True
    if setting == "when-offline":
        return not reachable()
    return False


def portal_reachable(url: str, timeout_s: float = 4.0) -> bool:
    """A cheap check that the real portal answers at all (any HTTP status counts)."""
    import requests

    try:
        requests.head(url, timeout=timeout_s, allow_redirects=False)
        return True
    except requests.RequestException as exc:
        log.info("portal not reachable: %s", type(exc).__name__)
        return False
