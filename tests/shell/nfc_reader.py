"""A phone, for the tests: read the NDEF URI of a Type 3 tag over nfcpy's UDP driver, print it.

Usage: python nfc_reader.py udp:127.0.0.1:PORT [SECONDS]
"""

import sys
import time

import nfc


def main() -> int:
    path, limit = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
    end = time.monotonic() + limit
    with nfc.ContactlessFrontend(path) as clf:
        while time.monotonic() < end:
            began = time.monotonic()
            tag = clf.connect(
                rdwr={"targets": ["212F"], "on-connect": lambda tag: False},
                terminate=lambda: time.monotonic() > end,
            )
            if tag and tag.ndef and tag.ndef.records:
                print(tag.ndef.records[0].iri, flush=True)
                print(f"read in {time.monotonic() - began:.3f} s", file=sys.stderr)
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
