"""Synthetic Users data (raw_pathways.users): the Pathways accounts a district sends
whatever its SIS, for demo districts with `demo: {users: true}` in districts.yml.

Some users are SIS staff (their UserID is the SIS staff id: dim_staff merges them, and the
Users role counselor wins), the others are accounts the SIS does not send (an administrator
per school): rows of their own in dim_staff.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ingest.declarations import PLATFORM, declarations_for
from ingest.registry import District
from ingest.simulation.generators import GeneratedDistrict
from ingest.simulation.generators.common import (
    FIRST_NAMES,
    LAST_NAMES,
    file_name,
    write_declared_file,
)

# The staff id column of each SIS's staff file (the UserID a merged user carries).
STAFF_ID_COLUMN = {
    "ascender": "EmployeeID",
    "eschool": "STAFF_ID",
    "harmony": "StaffID",
    "skyward_qmlativ": "StaffNumber",
}
MERGED_USERS = 3  # SIS staff who are also listed in the Users data, as counselors


@dataclass
class UsersNight:
    rows: list[dict[str, str]]
    new_staff: int  # users that are not SIS staff: each adds a dim_staff row


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", plain)


def build(
    district: District, rng: random.Random, staff_rows: Sequence[Mapping[str, str]]
) -> UsersNight:
    domain = district.id.replace("_", "-") + ".example.org"
    schools = [s.school_id for s in district.schools]
    column = STAFF_ID_COLUMN.get(district.sis)
    sis_ids = [str(r[column]).strip() for r in staff_rows] if column else []
    rows = []

    def person(user_id: str, role: str, school_ids: list[str]) -> dict[str, str]:
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        return {
            "UserID": user_id,
            "FirstName": first,
            "LastName": last,
            "Email": f"{_ascii(first)}.{_ascii(last)}.{user_id}@{domain}".lower(),
            "Role": role,
            "SchoolIDs": ";".join(school_ids),
        }

    for user_id in sorted(rng.sample(sis_ids, min(MERGED_USERS, len(sis_ids)))):
        rows.append(person(user_id, "counselor", [rng.choice(schools)]))
    for n, school in enumerate(schools, start=1):
        rows.append(person(f"PW{n:04d}", "administrator", [school]))
    # a district-wide counselor coordinator: every school, the first is the home school
    rows.append(person(f"PW{len(schools) + 1:04d}", "counselor", schools))
    return UsersNight(rows, new_staff=len(rows) - min(MERGED_USERS, len(sis_ids)))


def add_users(district: District, generated: GeneratedDistrict, night: date, seed: int) -> None:
    """Write the night's users file next to the district's SIS files (demo districts with
    `demo: {users: true}`) and count its new staff in the expected dim_staff rows."""
    users_night = build(district, random.Random(seed + 1), generated.staff)
    (decl,) = [d for d in declarations_for(PLATFORM) if d.dataset == "users"]
    path = generated.folder / file_name(decl, night)
    generated.rows["users"] = write_declared_file(path, decl, users_night.rows)
    generated.files["users"] = path
    generated.paths.append(path)
    marts = generated.expected_marts
    marts["dim_staff"] = marts.get("dim_staff", 0) + users_night.new_staff
