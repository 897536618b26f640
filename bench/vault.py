"""Vault benchmark: the vault's field encryption against bare AES-GCM on the same bytes.

Builds N synthetic patient records in memory (no database), then times:
- encryption through the vault (fresh data key per patient, every field sealed);
- bulk decryption through ``vault.plaintext.read_many`` (unwrap each patient's data key,
  open every field, decode the values);
- bare ``AESGCM.decrypt`` / ``encrypt`` over the very same ciphertexts / plaintexts, with
  one cipher per patient already built.
Prints fields/s for each and the ratio; the target is >= 0.5 on bulk decryption.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings.test")
os.environ.setdefault("STEWARD_VAR_DIR", tempfile.mkdtemp(prefix="steward-bench-vault-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    import django

    django.setup()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.conf import settings

    from steward.demo.patients import PatientFactory
    from steward.tenancy.models import Organization
    from steward.vault import crypto
    from steward.vault.envelope import PatientCipher, unwrap_key, wrap_new_key
    from steward.vault.fields import PATIENT_FIELDS
    from steward.vault.models import Patient
    from steward.vault.plaintext import read_many
    from steward.vault.validation import clean_values

    settings.STEWARD_KEY_DIR = Path(os.environ["STEWARD_VAR_DIR"]) / "keys"
    tenant = Organization(
        id=uuid.uuid4(),
        kind="covered-entity",
        legal_name="Bench",
        short_name="Bench",
        time_zone="UTC",
    )
    factory = PatientFactory(
        seed=7,
        prefix="BN",
        time_zone="America/New_York",
        pediatric=False,
        today=dt.date(2026, 11, 30),
        unique_phones=False,
    )
    records = [clean_values(p.values, creating=True) for p in factory.many(arguments.patients)]
    fields = list(PATIENT_FIELDS)

    def encrypt_all() -> list[Patient]:
        patients = []
        for values in records:
            patient = Patient(
                id=uuid.uuid4(),
                tenant=tenant,
                tenant_id=tenant.pk,
                last_activity_on=dt.date(2026, 1, 1),
            )
            data_key, patient.kek_version, patient.wrapped_dek = wrap_new_key(
                patient, dek_version=1
            )
            cipher = PatientCipher(patient, data_key)
            for name in fields:
                value = values.get(name)
                setattr(
                    patient, f"enc_{name}", cipher.seal(name, value) if value is not None else None
                )
            patients.append(patient)
        return patients

    patients = encrypt_all()
    sealed = sum(1 for p in patients for n in fields if getattr(p, f"enc_{n}") is not None)

    # The same bytes for the bare baseline: (cipher, nonce, ciphertext, aad) per field.
    bare_inputs = []
    for patient in patients:
        aes = AESGCM(unwrap_key(patient))
        row_aad = crypto.associated_data(
            tenant_id=tenant.pk, model=Patient.MODEL_LABEL, row_id=patient.pk, key_version=1
        )
        for name in fields:
            blob = getattr(patient, f"enc_{name}")
            if blob is not None:
                bare_inputs.append((aes, blob[1:13], blob[13:], crypto.field_aad(row_aad, name)))
    plain_inputs = [(aes, crypto.decode(aes.decrypt(n, c, a)), a) for aes, n, c, a in bare_inputs]

    def race(ours: object, bare: object) -> tuple[float, float]:
        """Best of several rounds, alternating the two so machine noise hits both alike."""
        ours_times, bare_times = [], []
        for _ in range(arguments.rounds):
            for run, times in ((ours, ours_times), (bare, bare_times)):
                started = time.perf_counter()
                run()  # type: ignore[operator]
                times.append(time.perf_counter() - started)
        return min(ours_times), min(bare_times)

    ours_decrypt, bare_decrypt = race(
        lambda: read_many(patients, fields),
        lambda: [aes.decrypt(n, c, a) for aes, n, c, a in bare_inputs],
    )
    ours_encrypt, bare_encrypt = race(
        encrypt_all,
        lambda: [aes.encrypt(os.urandom(12), crypto.encode(v), a) for aes, v, a in plain_inputs],
    )

    def line(label: str, ours: float, bare: float, target: str = "") -> None:
        print(
            f"{label}: vault {sealed / ours:,.0f} fields/s, bare AES-GCM {sealed / bare:,.0f} "
            f"fields/s, ratio {bare / ours:.2f}{target}"
        )

    print(f"{arguments.patients} patients, {sealed} sealed fields (best of {arguments.rounds})")
    line("bulk decryption", ours_decrypt, bare_decrypt, " (target >= 0.50)")
    line("encryption", ours_encrypt, bare_encrypt)


if __name__ == "__main__":
    main()
