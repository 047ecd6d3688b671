#!/usr/bin/env bash
# Installs the pinned moto (from PyPI) in server mode, the S3-compatible server S3MediaStoreIT runs against, and
# prints the path of its `moto_server` command. Idempotent: reuses an install of that version. The venv lives outside
# the clone (under ~/.cache/lattice unless LATTICE_CACHE_DIR says otherwise) so later runs on this machine reuse it.
# Needs only Python 3.10+ with venv and pip.
set -euo pipefail
MOTO_VERSION=5.2.6
HERE=$(cd "$(dirname "$0")" && pwd)
VENV="${LATTICE_CACHE_DIR:-$HOME/.cache/lattice}/moto-$MOTO_VERSION"
if ! [ -x "$VENV/bin/moto_server" ] \
    || ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "s3: installing moto $MOTO_VERSION into $VENV" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  # Every dependency pinned too (moto-constraints.txt, a pip freeze of a working install).
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$HERE/moto-constraints.txt" \
    "moto[server]==$MOTO_VERSION" >&2
fi
echo "$VENV/bin/moto_server"
