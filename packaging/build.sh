#!/usr/bin/env sh
# Build the one-folder app (qayd + qayd-desktop) for the current OS. Run from anywhere:
#   packaging/build.sh [OUT_DIR]          -> OUT_DIR/dist/qayd/ (default OUT_DIR: /tmp/qayd-build)
# PYTHON may name the interpreter of the environment that has Qayd and PyInstaller installed
# (default: python3 on PATH); the .qm translations must be current (`$PYTHON -m desktop.i18n compile`).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/qayd-build}
PYTHON=${PYTHON:-python3}
cd "$REPO"
"$PYTHON" -m PyInstaller packaging/qayd.spec --noconfirm --clean \
    --distpath "$OUT/dist" --workpath "$OUT/work"
echo "Built $OUT/dist/qayd ($(du -sh "$OUT/dist/qayd" | cut -f1))"
