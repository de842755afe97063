"""Write docs/twilio_schema.svg and docs/twilio_schema.pdf (or, with --check, say whether they are current)."""

from __future__ import annotations

import argparse
import sys

from . import build_schema, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m twilio_assets.schema_diagram", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    args = parser.parse_args(argv)
    schema = build_schema()
    files = render(schema)
    stale = [path for path, data in files.items() if not path.exists() or path.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"{path} is stale: run `make schema`", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
    print(
        f"{len(schema.tables)} collections, {len(schema.links)} linkages; "
        f"{'wrote ' + ', '.join(str(p) for p in stale) if stale else 'already current'}"
    )
    for item in schema.skipped:
        print(f"  not drawn: {item.id} ({item.reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
