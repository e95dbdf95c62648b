"""Privacy at the door: the keyed hash that replaces case references.

The warehouse never holds an agency's own case reference. Each is replaced by
HMAC-SHA256(secret key, agency + U+001F + reference), computed inside DuckDB so a million
rows hash in a second. The secret key is created on first use, outside the repository:

    $GMS_HASH_KEY_FILE, or else $XDG_CONFIG_HOME/gms-reintegration/case-key
    (~/.config/gms-reintegration/case-key)

Keep it backed up and private: the same key must be used for every load into one
warehouse, or resubmitted cases stop matching their earlier rows. The warehouse stores a
fingerprint of the key (never the key) and a load with a different key is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from etl.validate.cell_rules import clean

SEPARATOR = "\x1f"  # cannot occur in a typed reference, so (agency, ref) pairs never collide
KEY_BYTES = 32
FINGERPRINT_MESSAGE = b"gms-reintegration key fingerprint v1"


def key_path() -> Path:
    explicit = os.environ.get("GMS_HASH_KEY_FILE")
    if explicit:
        return Path(explicit).expanduser()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "gms-reintegration" / "case-key"


def load_or_create_key(path: Path | None = None) -> bytes:
    path = path or key_path()
    if path.exists():
        key = bytes.fromhex(path.read_text().strip())
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path} does not hold a {KEY_BYTES}-byte hex key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    # O_EXCL: two loads starting at once cannot both create a key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    return key


def fingerprint(key: bytes) -> str:
    return hmac.new(key, FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def case_key(key: bytes, agency: str, case_ref: str) -> int:
    """Reference implementation of the SQL hash below (used by tests and small lookups)."""
    message = f"{agency}{SEPARATOR}{case_ref}".encode()
    return int(hmac.new(key, message, hashlib.sha256).hexdigest()[:32], 16)


def hmac_params(key: bytes) -> dict[str, bytes]:
    """Inner and outer padded keys for HMAC computed in SQL (see CASE_KEY_SQL)."""
    block = key.ljust(64, b"\0")
    return {
        "hmac_ipad": bytes(b ^ 0x36 for b in block),
        "hmac_opad": bytes(b ^ 0x5C for b in block),
    }


def case_key_sql(agency_expr: str, ref_expr: str) -> str:
    """SQL for HMAC-SHA256 (RFC 2104) truncated to 128 bits, as a UHUGEINT; binds $hmac_ipad,
    $hmac_opad. (128 bits: two of a million cases share a key with odds of about 1e-27.)"""
    message = f"encode({agency_expr} || chr(31) || {ref_expr})"
    return f"('0x' || left(sha256($hmac_opad || unhex(sha256($hmac_ipad || {message}))), 32))::UHUGEINT"


def keys_sql() -> str:
    """Add to TEMP table keys the keyed hash of each distinct (agency, case_ref) of `raw` not
    in it yet. etl/validate/cell_rules.build joins it on the cleaned cells, so that `checked` carries
    case_key; the hash is of the agency as parsed (upper case). The table lives for one load
    run: the references of a case in its assessments, services and barriers files are hashed
    once, with its cases row.
    """
    agency, case_ref = clean("agency"), clean("case_ref")
    return (
        "CREATE TEMP TABLE IF NOT EXISTS keys (agency VARCHAR, case_ref VARCHAR, case_key UHUGEINT);\n"  # noqa: S608
        "INSERT INTO keys SELECT agency, case_ref, "
        + case_key_sql("upper(agency)", "case_ref")
        # distinct cells first, then cleaned: a file has a few rows per case
        + f" FROM (SELECT DISTINCT {agency} AS agency, {case_ref} AS case_ref "  # noqa: S608
        "FROM (SELECT DISTINCT agency, case_ref FROM raw)) AS refs "
        "WHERE agency IS NOT NULL AND case_ref IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.agency = refs.agency AND k.case_ref = refs.case_ref)"
    )
