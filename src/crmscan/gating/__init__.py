"""CI gating: policies as data, their evaluation into findings, and the exit-code contract.

* :mod:`~crmscan.gating.policies` — pydantic models and the loader for ``rules/policies.yaml`` and a
  team's ``--policy`` files (validated loudly: file, line, policy id, field);
* :mod:`~crmscan.gating.evaluate` — conditions over classified columns and their readers → findings;
* :mod:`~crmscan.gating.locations` — where a migration file defines a column or grants a read;
* :mod:`~crmscan.gating.exitcodes` — the one pure function that decides the exit code.
"""
