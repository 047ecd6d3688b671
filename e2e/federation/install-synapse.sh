#!/usr/bin/env bash
# Installs the pinned Synapse (from PyPI) into e2e/federation/.venv for the federation interop suite.
# Idempotent: does nothing when that version is already installed (inside a git checkout Synapse's version string
# carries the checkout's branch and commit, "1.163.2 (b=main,06bcfbd)": only its first word is compared). Needs only Python 3.10+ with venv and pip.
set -euo pipefail
SYNAPSE_VERSION=1.163.2
HERE=$(cd "$(dirname "$0")" && pwd)
VENV="$HERE/.venv"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import synapse, sys; sys.exit(synapse.__version__.split()[0] != '$SYNAPSE_VERSION')" 2>/dev/null; then
  exit 0
fi
echo "federation: installing Synapse $SYNAPSE_VERSION into $VENV" >&2
rm -rf "$VENV"
python3 -m venv "$VENV"
# Every dependency pinned too (synapse-constraints.txt, a pip freeze of a working install): a newer release of one
# of them has broken an older Synapse at import time before (prometheus-client 0.26 and Synapse 1.143).
"$VENV/bin/pip" install --quiet --disable-pip-version-check -c "$HERE/synapse-constraints.txt" \
  "matrix-synapse==$SYNAPSE_VERSION" psycopg2-binary >&2
"$VENV/bin/python" -c "import synapse; print('federation: Synapse', synapse.__version__)" >&2
