"""``python -m p2f_web.deploy nginx|cloudfront|headers``: print a server's security settings.

The text comes from ``p2f_web.csp`` (the one definition of the policy); this module is only
the command line that writes it out, kept apart so that ``-m`` does not run a module the
plugin has already imported. Regenerate the files under docs/deploy/ with it after changing
the policy (tests/webdata/test_csp_policy.py says when they differ).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from p2f_web import csp

GENERATED: dict[str, Callable[[], str]] = {
    "nginx": csp.nginx_conf,
    "cloudfront": csp.cloudfront_policy,
    "headers": csp.headers_file,
}
FILES = {
    "nginx": "docs/deploy/nginx-livep2f.conf",
    "cloudfront": "docs/deploy/cloudfront-security-headers.json",
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in GENERATED:
        print(f"usage: python -m p2f_web.deploy {{{'|'.join(GENERATED)}}}", file=sys.stderr)
        return 2
    sys.stdout.write(GENERATED[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
