"""The one definition of the Content Security Policy and every place that states it.

Browser behaviour under the policy is in tests/web/test_csp.py; here: the policy's content,
the build's ``_headers``, and the server configurations under docs/deploy/.
"""

from __future__ import annotations

import json
from pathlib import Path

import crossplane
import pytest

from p2f_web import csp, deploy
from tests.conftest import ROOT
from tests.web.site_server import read_headers_file


def test_the_policy_is_strict() -> None:
    header = csp.directives()
    assert header["default-src"] == ("'self'",)
    assert header["object-src"] == ("'none'",)
    assert header["base-uri"] == header["form-action"] == header["connect-src"] == ("'self'",)
    assert header["style-src"] == ("'self'",)
    assert header["frame-ancestors"] == ("'none'",)
    scripts = header["script-src"]
    assert scripts[:2] == ("'self'", "'wasm-unsafe-eval'")  # Pagefind's WebAssembly only
    assert all(source.startswith("'sha256-") for source in scripts[2:])
    everything = " ".join(source for sources in header.values() for source in sources)
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "blob:"):
        assert loose not in everything.split()
    outside = {s for s in everything.split() if s.startswith(("http://", "https://"))}
    assert outside == {"https://tile.openstreetmap.org"} == {csp.origin_of(csp.TILE_URL)}


def test_the_meta_form_leaves_out_what_only_a_header_can_carry() -> None:
    assert "frame-ancestors" in csp.policy()
    assert "frame-ancestors" not in csp.policy(header=False)
    assert csp.policy(header=False) in csp.meta_tags()
    assert csp.policy() == csp.policy(header=False) + "; frame-ancestors 'none'"


def test_script_hash_is_the_csp_form_of_sha256() -> None:
    # echo -n "alert(1)" | openssl dgst -sha256 -binary | base64
    assert csp.script_hash("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


def test_the_landing_script_is_allowed_by_its_hash(web_site: Path) -> None:
    html = (web_site / "d" / "veto-pinede" / "index.html").read_text(encoding="utf-8")
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    assert csp.script_hash(script) in csp.directives()["script-src"]


def test_the_build_writes_the_headers_file(web_site: Path) -> None:
    assert (web_site / "_headers").read_text(encoding="utf-8") == csp.headers_file()
    assert read_headers_file(web_site / "_headers") == {
        "Content-Security-Policy": csp.policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
    }


@pytest.mark.parametrize("name", sorted(deploy.FILES))
def test_deploy_files_match_the_policy(name: str) -> None:
    path = ROOT / deploy.FILES[name]
    assert path.read_text(encoding="utf-8") == deploy.GENERATED[name](), (
        f"{deploy.FILES[name]} differs from plugins/p2f_web/csp.py: run "
        f"`.venv/bin/python -m p2f_web.deploy {name} > {deploy.FILES[name]}`"
    )


def test_cloudfront_policy_carries_the_same_policy() -> None:
    config = json.loads(csp.cloudfront_policy())["SecurityHeadersConfig"]
    assert config["ContentSecurityPolicy"]["ContentSecurityPolicy"] == csp.policy()
    assert config["ReferrerPolicy"]["ReferrerPolicy"] == csp.REFERRER_POLICY
    assert config["FrameOptions"]["FrameOption"] == "DENY"


def test_deploy_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["headers"]) == 0
    assert capsys.readouterr().out == csp.headers_file()
    assert deploy.main(["apache"]) == 2
    assert "usage: python -m p2f_web.deploy {nginx|cloudfront|headers}" in capsys.readouterr().err


def test_nginx_reads_the_headers_as_written() -> None:
    """nginx's own tokenizer (crossplane): the policy's quotes survive, every answer has it."""
    path = ROOT / deploy.FILES["nginx"]
    parsed = crossplane.parse(str(path), single=True, check_ctx=False, comments=False)
    assert parsed["errors"] == []
    server = parsed["config"][0]["parsed"][0]
    added = [d["args"] for d in server["block"] if d["directive"] == "add_header"]
    assert added == [[name, value, "always"] for name, value in csp.security_headers().items()]
