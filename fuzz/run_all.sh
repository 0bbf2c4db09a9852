#!/bin/sh
# Run every fuzz target for SECONDS each, all at once (niced), logs in fuzz/logs/.
# Usage: fuzz/run_all.sh SECONDS [PYTHON]
set -eu
seconds=${1:?usage: fuzz/run_all.sh SECONDS [PYTHON]}
python=${2:-python}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/logs"
for target in $("$python" "$here/run.py" --list | sed 's/^targets: //'); do
  nice -n 10 "$python" "$here/run.py" "$target" --seconds "$seconds" \
    >"$here/logs/$target.log" 2>&1 &
done
wait
