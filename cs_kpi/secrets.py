"""The personal-data salt (SPEC B.4 v2): a secret, with no public default.

``CS_KPI_PII_SALT`` when set; otherwise a random salt kept beside the warehouse file in
``<warehouse>.salt`` (git-ignored with the warehouse), made once and announced once. An
in-memory warehouse gets a random salt per process. The value is never printed.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ENV_VAR = "CS_KPI_PII_SALT"
_PROCESS_SALT = secrets.token_hex(32)


def salt_file(database_path: str) -> Path | None:
    if not database_path or database_path == ":memory:" or database_path.startswith("md:"):
        return None
    return Path(database_path + ".salt")


def pii_salt(database_path: str) -> str:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return configured
    path = salt_file(database_path)
    if path is None:
        return _PROCESS_SALT
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by a concurrent process a moment ago
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    print(f"cs_kpi: {ENV_VAR} is not set; a random salt for hashing personal data was made "
          f"for this warehouse and kept in {path} (git-ignored; keep it to keep hashes stable)",
          file=sys.stderr)
    return value
