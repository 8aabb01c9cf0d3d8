#!/usr/bin/env bash
# SARIMA cross-check for notebook 05: the library (JDemetra+) against statsmodels on the book's rail series.
#   bash bench/sarima_check.sh            (mirror ../shared/data unless SEQBOOK_DATA_MIRROR is set)
# Installs Debian's python3-statsmodels if missing, builds the jar if missing; about 30 s of CPU after that.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export SEQBOOK_DATA_MIRROR="${SEQBOOK_DATA_MIRROR:-../shared/data}"
if ! /usr/bin/python3 -c "import statsmodels, pandas" 2>/dev/null; then
    echo "sarima_check: installing python3-statsmodels"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-statsmodels python3-pandas >/dev/null
fi
[[ -f target/seqbook.jar ]] || mvn -B -q -DskipTests package
export OMP_NUM_THREADS=1
java -cp target/seqbook.jar bench/SarimaCheck.java
exec /usr/bin/python3 bench/sarima_check.py --mirror "$SEQBOOK_DATA_MIRROR"
