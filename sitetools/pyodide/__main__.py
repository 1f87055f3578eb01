"""Command line: ``python -m sitetools.pyodide [--tests] [--stage DIR] [--source self|cdn]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .files import SOURCES, AssetError, log
from .stage import stage, stage_for_node
from .wheels import pyodide_test_wheels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tests",
        action="store_true",
        help="also fetch the pure-Python wheels of the Pyodide test run",
    )
    parser.add_argument(
        "--stage",
        type=Path,
        default=None,
        help="assets directory to stage into (default: the node tests' "
        ".cache/pyodide/node/assets)",
    )
    parser.add_argument("--source", choices=SOURCES, default="self")
    args = parser.parse_args(argv)
    try:
        if args.stage is None:
            staged = stage_for_node(args.source)
        else:
            staged = stage(args.stage, source=args.source)
        if args.tests:
            pyodide_test_wheels()
    except AssetError as exc:
        print(f"pyodide-assets: ERROR: {exc}", file=sys.stderr)
        return 1
    log(
        f"{staged.assets_dir} ready ({staged.copied} files written, build {staged.manifest['build']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
