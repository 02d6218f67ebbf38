"""The PowerSchool emulator, over real HTTP on 127.0.0.1, follows the contract
(SIS_LAYOUTS.md, "PowerSchool"): OAuth with HTTP Basic and expiring tokens, metadata, 1-based
paging in ORDER BY order, /count, nested and flattened records, 401/403/404/400, and every
fault on demand."""

from __future__ import annotations

import base64
import io
import json
import random
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
import requests

from ingest.powerschool.plugin import write_plugin_zip
from ingest.registry import District, load_registry
from ingest.simulation.generators.powerschool import api_records
from ingest.simulation.powerschool_server import (
    Fault,
    PluginError,
    PowerSchoolEmulator,
    RequestLog,
)

pytestmark = pytest.mark.integration

CLIENT_ID, CLIENT_SECRET = "pathways-client", "s3cr3t:with:colons"
PAGE = 5
STUDENTS = "com.pathways.sis.students"
STAFF = "com.pathways.sis.staff"
COURSES = "com.pathways.sis.courses"
REQUESTS = "com.pathways.sis.course_requests"
GRADES = "com.pathways.sis.grades"
GPA = "com.pathways.sis.gpa"
TIMEOUT = 10


def _district() -> District:
    """The demo's PowerSchool district, as districts.yml declares it."""
    return next(d for d in load_registry() if d.id == "prairie_creek_schools")


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> Path:
    return write_plugin_zip(tmp_path_factory.mktemp("ps") / "pathways_plugin.zip")


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict[str, str]]]:
    night = api_records(_district(), date(2026, 11, 27), students=40, seed=3)
    records = dict(night.records)
    courses = night.records[COURSES]
    assert len(courses) >= 2 * PAGE
    records[COURSES] = courses[: 2 * PAGE]  # an exact multiple of the page size
    records[REQUESTS] = []  # an empty result
    records[GPA] = night.records[GPA][:1]  # one record
    shuffled = list(night.records[STUDENTS])
    random.Random(1).shuffle(shuffled)  # the emulator orders by the SQL, not by input order
    records[STUDENTS] = shuffled
    return records


@pytest.fixture
def emu(plugin_zip, records):
    with PowerSchoolEmulator(
        plugin_zip, records, CLIENT_ID, CLIENT_SECRET, max_page_size=PAGE
    ) as emulator:
        yield emulator


def _basic(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _token_response(emu, authorization: str | None = None, body="grant_type=client_credentials"):
    headers = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.post(
        f"{emu.base_url}/oauth/access_token", data=body, headers=headers, timeout=TIMEOUT
    )


def _token(emu) -> str:
    response = _token_response(emu, _basic())
    assert response.status_code == 200
    return response.json()["access_token"]


def _query(emu, token, name, page=None, pagesize=None, body=None, count=False, **kw):
    params = {k: v for k, v in (("page", page), ("pagesize", pagesize)) if v is not None}
    return requests.post(
        f"{emu.base_url}/ws/schema/query/{name}" + ("/count" if count else ""),
        params=params,
        json={} if body is None else body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=kw.pop("timeout", TIMEOUT),
        **kw,
    )


def _all_pages(emu, token, name) -> list[dict]:
    got, page = [], 1
    while True:
        answer = _query(emu, token, name, page=page, pagesize=PAGE).json()
        if not answer.get("record"):
            return got
        got += answer["record"]
        page += 1


# --------------------------------------------------------------------------- OAuth


def test_good_credentials_give_a_bearer_token(emu):
    response = _token_response(emu, _basic())
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"access_token", "token_type", "expires_in"}
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == "3600"
    assert _query(emu, answer["access_token"], COURSES).status_code == 200


@pytest.mark.parametrize(
    "authorization, body",
    [
        (None, "grant_type=client_credentials"),
        (
            "Basic " + base64.b64encode(f"{CLIENT_ID}:wrong".encode()).decode(),
            "grant_type=client_credentials",
        ),
        ("Basic not-base64!!", "grant_type=client_credentials"),
        ("Bearer x", "grant_type=client_credentials"),
        (
            None,
            f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}",
        ),
        ("basic-ok", "grant_type=password"),
        ("basic-ok", ""),
    ],
)
def test_bad_credentials_are_refused(emu, authorization, body):
    authorization = _basic() if authorization == "basic-ok" else authorization
    response = _token_response(emu, authorization, body)
    assert response.status_code == 401
    assert "access_token" not in response.json()


def test_missing_unknown_and_expired_tokens_are_401(emu):
    url = f"{emu.base_url}/ws/schema/query/{COURSES}"
    assert requests.post(url, json={}, timeout=TIMEOUT).status_code == 401
    assert _query(emu, "made-up-token", COURSES).status_code == 401
    assert requests.get(f"{emu.base_url}/ws/v1/metadata", timeout=TIMEOUT).status_code == 401
    token = _token(emu)
    assert _query(emu, token, COURSES).status_code == 200
    emu.expire_tokens()
    response = _query(emu, token, COURSES)
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    assert _query(emu, _token(emu), COURSES).status_code == 200  # re-authenticating works


def test_tokens_expire_after_expires_in(plugin_zip, records):
    with PowerSchoolEmulator(plugin_zip, records, CLIENT_ID, CLIENT_SECRET, token_seconds=1) as emu:
        answer = _token_response(emu, _basic()).json()
        assert answer["expires_in"] == "1"
        assert _query(emu, answer["access_token"], COURSES).status_code == 200
        time.sleep(1.2)
        assert _query(emu, answer["access_token"], COURSES).status_code == 401


# --------------------------------------------------------------------------- metadata, paging


def test_metadata_gives_the_max_page_size(emu):
    response = requests.get(
        f"{emu.base_url}/ws/v1/metadata",
        headers={"Authorization": f"Bearer {_token(emu)}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert response.json()["metadata"]["schema_table_query_max_page_size"] == PAGE


def test_a_result_that_is_an_exact_multiple_of_the_page_size(emu, records):
    token = _token(emu)
    assert _query(emu, token, COURSES, count=True).json() == {"count": 2 * PAGE}
    pages = [_query(emu, token, COURSES, page=n, pagesize=PAGE).json() for n in (1, 2, 3)]
    assert [len(p.get("record", [])) for p in pages] == [PAGE, PAGE, 0]
    assert "record" not in pages[2] and pages[2]["name"] == COURSES
    numbers = [r["tables"]["courses"]["course_number"] for p in pages[:2] for r in p["record"]]
    assert numbers == sorted(r["COURSES.COURSE_NUMBER"] for r in records[COURSES])
    assert len(set(numbers)) == 2 * PAGE


def test_an_empty_result(emu):
    token = _token(emu)
    assert _query(emu, token, REQUESTS, count=True).json() == {"count": 0}
    answer = _query(emu, token, REQUESTS, page=1).json()
    assert answer.get("record", []) == [] and answer["name"] == REQUESTS


def test_one_record(emu, records):
    token = _token(emu)
    assert _query(emu, token, GPA, count=True).json() == {"count": 1}
    first = _query(emu, token, GPA, page=1, pagesize=PAGE).json()
    (only,) = records[GPA]
    assert first["record"] == [{c.split(".")[1].lower(): v for c, v in only.items()}]
    assert "record" not in _query(emu, token, GPA, page=2, pagesize=PAGE).json()


def test_page_defaults_cap_and_bad_values(emu):
    token = _token(emu)
    default = _query(emu, token, STUDENTS).json()["record"]  # no page: page 1, max size
    assert default == _query(emu, token, STUDENTS, page=1, pagesize=PAGE).json()["record"]
    assert len(_query(emu, token, STUDENTS, page=1, pagesize=1000).json()["record"]) == PAGE
    assert len(_query(emu, token, STUDENTS, page=2, pagesize=2).json()["record"]) == 2
    for page, pagesize in ((0, 5), (-1, 5), ("x", 5), (1, 0), (1, "many")):
        assert _query(emu, token, STUDENTS, page=page, pagesize=pagesize).status_code == 400


def test_records_come_in_order_by_order_every_value_a_string(emu, records):
    token = _token(emu)
    got = _all_pages(emu, token, STUDENTS)
    ids = [r["tables"]["students"]["id"] for r in got]
    assert ids == sorted((s["STUDENTS.ID"] for s in records[STUDENTS]), key=int)
    assert [r["id"] for r in got] == list(range(1, len(got) + 1))
    assert all(isinstance(v, str) for r in got for v in r["tables"]["students"].values())


# --------------------------------------------------------------------------- shapes, arguments


def test_nested_and_flattened_records(emu, records):
    token = _token(emu)
    nested = _all_pages(emu, token, STUDENTS)
    first = nested[0]
    assert set(first) == {"id", "name", "tables"} and first["name"] == "students"
    assert list(first["tables"]) == ["students"]
    assert list(first["tables"]["students"]) == [
        "id", "dcid", "student_number", "state_studentnumber", "first_name", "middle_name",
        "last_name", "dob", "gender", "grade_level", "schoolid", "enroll_status",
    ]  # fmt: skip
    names = {
        (r["tables"]["students"]["first_name"], r["tables"]["students"]["last_name"])
        for r in nested
    }
    assert ("José", "Peña") in names  # UTF-8 over the wire
    flat = _all_pages(emu, token, STAFF)  # flattened="true" in the zip
    assert list(flat[0]) == [
        "teachernumber", "first_name", "last_name", "email_addr", "homeschoolid", "status",
        "staffstatus",
    ]  # fmt: skip
    assert [r["teachernumber"] for r in flat] == sorted(
        r["USERS.TEACHERNUMBER"] for r in records[STAFF]
    )
    assert any(r["teachernumber"].startswith("0") for r in flat)  # leading zeros kept


def test_arguments_filter_and_unknown_arguments_are_400(emu, records):
    token = _token(emu)
    in_100 = [s for s in records[STUDENTS] if s["STUDENTS.SCHOOLID"] == "100"]
    assert 0 < len(in_100) < len(records[STUDENTS])
    assert _query(emu, token, STUDENTS, body={"schoolid": "100"}, count=True).json() == {
        "count": len(in_100)
    }
    assert _query(emu, token, STUDENTS, body={"schoolid": 100}, count=True).json() == {
        "count": len(in_100)
    }
    assert _query(emu, token, STUDENTS, body={"schoolid": None}, count=True).json() == {
        "count": len(records[STUDENTS])
    }
    assert _query(emu, token, STUDENTS, body={"termid": "3601"}).status_code == 400
    assert _query(emu, token, COURSES, body={"schoolid": "100"}, count=True).status_code == 400
    bad = requests.post(
        f"{emu.base_url}/ws/schema/query/{STUDENTS}",
        data=b"[not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert bad.status_code == 400


def test_unknown_query_is_404_and_wrong_method_405(emu):
    token = _token(emu)
    assert _query(emu, token, "com.pathways.sis.nothing").status_code == 404
    assert _query(emu, token, "com.pathways.sis.nothing", count=True).status_code == 404
    get = requests.get(
        f"{emu.base_url}/ws/schema/query/{COURSES}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    assert get.status_code == 405


def _without_grant(plugin_zip: Path, out: Path, table: str, field: str) -> Path:
    """A copy of the plugin zip whose plugin.xml does not request TABLE.FIELD."""
    line = f'<field table="{table}" field="{field}" access="ViewOnly" />'
    with zipfile.ZipFile(plugin_zip) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "plugin.xml":
                assert line.encode() in data
                data = data.replace(line.encode(), b"")
            dst.writestr(info, data)
    return out


def test_a_field_the_plugin_does_not_grant_is_403(plugin_zip, records, tmp_path):
    zip_path = _without_grant(plugin_zip, tmp_path / "plugin.zip", "STUDENTS", "DOB")
    with PowerSchoolEmulator(zip_path, records, CLIENT_ID, CLIENT_SECRET) as emu:
        token = _token(emu)
        response = _query(emu, token, STUDENTS)
        assert response.status_code == 403 and "STUDENTS.DOB" in response.json()["message"]
        assert _query(emu, token, STUDENTS, count=True).status_code == 403
        assert _query(emu, token, COURSES).status_code == 200
    # a field read only by a join is checked too
    zip_path = _without_grant(plugin_zip, tmp_path / "join.zip", "SCHOOLSTAFF", "USERS_DCID")
    with PowerSchoolEmulator(zip_path, records, CLIENT_ID, CLIENT_SECRET) as emu:
        assert _query(emu, _token(emu), STAFF).status_code == 403


def test_queries_and_grants_come_from_the_zip(plugin_zip, tmp_path):
    broken = tmp_path / "no_plugin_xml.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("queries_root/x.named_queries.xml", "<queries/>")
    with pytest.raises(PluginError, match="plugin.xml"):
        PowerSchoolEmulator(broken, {}, CLIENT_ID, CLIENT_SECRET)
    with zipfile.ZipFile(plugin_zip) as zf:
        only = {n: zf.read(n) for n in zf.namelist() if "courses" in n or n == "plugin.xml"}
    one_query = tmp_path / "one.zip"
    with zipfile.ZipFile(one_query, "w") as zf:
        for name, data in only.items():
            zf.writestr(name, data)
    with PowerSchoolEmulator(one_query, {}, CLIENT_ID, CLIENT_SECRET) as emu:
        token = _token(emu)
        assert _query(emu, token, COURSES).status_code == 200
        assert _query(emu, token, STUDENTS).status_code == 404


# --------------------------------------------------------------------------- faults


def _statuses(emu) -> list[tuple[int | None, int, str | None]]:
    return [(r.page, r.status, r.fault) for r in emu.requests if r.path.startswith("/ws/schema")]


def test_rate_limit_answers_429_with_retry_after(emu):
    token = _token(emu)
    emu.faults.append(Fault("rate_limit", query=COURSES, page=2, seconds=2))
    assert _query(emu, token, COURSES, page=1).status_code == 200
    limited = _query(emu, token, COURSES, page=2)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    assert _query(emu, token, COURSES, page=2).status_code == 200  # consumed
    assert emu.faults == []
    assert _statuses(emu) == [(1, 200, None), (2, 429, "rate_limit"), (2, 200, None)]


def test_unavailable_answers_503_times_times(emu):
    token = _token(emu)
    emu.faults.append(Fault("unavailable", times=2))  # any query request
    assert _query(emu, token, GRADES, count=True).status_code == 503
    assert _query(emu, token, COURSES, page=1).status_code == 503
    assert _query(emu, token, COURSES, page=1).status_code == 200


def test_stall_delays_the_answer(emu):
    token = _token(emu)
    emu.faults.append(Fault("stall", query=COURSES, seconds=0.6))
    started = time.monotonic()
    assert _query(emu, token, COURSES, page=1).status_code == 200
    assert time.monotonic() - started >= 0.6
    emu.faults.append(Fault("stall", query=COURSES, seconds=1.5))
    with pytest.raises(requests.Timeout):
        _query(emu, token, COURSES, page=1, timeout=0.3)
    assert _query(emu, token, COURSES, page=1).status_code == 200  # the server goes on


def test_drop_closes_the_connection_mid_body(emu):
    token = _token(emu)
    emu.faults.append(Fault("drop", query=COURSES, page=1))
    with pytest.raises(requests.exceptions.ConnectionError):  # ChunkedEncodingError too
        try:
            _query(emu, token, COURSES, page=1)
        except requests.exceptions.ChunkedEncodingError as err:
            raise requests.exceptions.ConnectionError(str(err)) from err
    assert _query(emu, token, COURSES, page=1).json()["record"]
    assert (1, 200, "drop") in _statuses(emu)


def test_drop_is_seen_by_a_raw_socket_reader(emu):
    """The body really is cut: fewer bytes than Content-Length, then EOF."""
    import http.client

    token = _token(emu)
    emu.faults.append(Fault("drop", query=STUDENTS))
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=TIMEOUT)
    conn.request(
        "POST",
        f"/ws/schema/query/{STUDENTS}?page=1",
        body=b"{}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    length = int(response.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as cut:
        response.read()
    assert 0 < len(cut.value.partial) < length
    conn.close()


def test_expire_token_mid_paging(emu):
    token = _token(emu)
    emu.faults.append(Fault("expire_token", query=STUDENTS, page=2))
    assert _query(emu, token, STUDENTS, page=1).status_code == 200
    assert _query(emu, token, STUDENTS, page=2).status_code == 401
    assert _query(emu, token, STUDENTS, page=3).status_code == 401  # stays expired
    fresh = _token(emu)
    assert _query(emu, fresh, STUDENTS, page=2).status_code == 200


def test_count_mismatch_changes_only_the_count(emu, records):
    token = _token(emu)
    emu.faults.append(Fault("count_mismatch", query=COURSES, delta=3))
    assert _query(emu, token, COURSES, page=1).status_code == 200  # pages do not consume it
    assert _query(emu, token, COURSES, count=True).json() == {"count": 2 * PAGE + 3}
    assert _query(emu, token, COURSES, count=True).json() == {"count": 2 * PAGE}
    assert len(_all_pages(emu, token, COURSES)) == 2 * PAGE


def test_faults_on_metadata_and_oauth(emu):
    emu.faults.append(Fault("unavailable", query="oauth"))
    assert _token_response(emu, _basic()).status_code == 503
    token = _token(emu)
    emu.faults.append(Fault("rate_limit", query="metadata", seconds=0.2))
    meta = requests.get(
        f"{emu.base_url}/ws/v1/metadata",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    assert meta.status_code == 429 and meta.headers["Retry-After"] == "1"


def test_unknown_fault_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown fault"):
        Fault("explode")


def test_the_log_holds_no_record_content_or_token(emu, records, capsys):
    token = _token(emu)
    _all_pages(emu, token, STUDENTS)
    _query(emu, token, "com.pathways.sis.nothing")
    assert all(isinstance(r, RequestLog) for r in emu.requests)
    text = repr(emu.requests) + capsys.readouterr().err
    assert token not in text and CLIENT_SECRET not in text
    for student in records[STUDENTS][:10]:
        assert student["STUDENTS.LAST_NAME"] not in text
        assert student["STUDENTS.STUDENT_NUMBER"] not in text


def test_concurrent_clients(emu):
    """A threading server: a stalled answer does not hold up another client."""
    import threading

    token = _token(emu)
    emu.faults.append(Fault("stall", query=GRADES, seconds=1.0))
    slow = threading.Thread(target=_query, args=(emu, token, GRADES))
    slow.start()
    time.sleep(0.1)
    started = time.monotonic()
    assert _query(emu, token, COURSES).status_code == 200
    assert time.monotonic() - started < 0.8
    slow.join()


def test_zip_bytes_roundtrip_unchanged(plugin_zip):
    """The emulator reads the zip; it never writes it."""
    before = plugin_zip.read_bytes()
    with PowerSchoolEmulator(plugin_zip, {}, CLIENT_ID, CLIENT_SECRET):
        pass
    assert plugin_zip.read_bytes() == before
    assert zipfile.ZipFile(io.BytesIO(before)).testzip() is None


def test_a_page_without_arguments_is_its_records_encoded_once(emu):
    """serve() encodes each record once and a page without arguments joins them: the same
    bytes as encoding the whole answer, the same records as shaping them page by page (an
    empty result, an exact multiple of the page size and a single record included)."""
    for name, query in emu.queries.items():
        rows = emu._records[name]
        for page in (1, 2, 3):
            start = (page - 1) * PAGE
            expected: dict = {"name": name}
            shaped = [
                emu._shape(query, row, start + n)
                for n, row in enumerate(rows[start : start + PAGE], start=1)
            ]
            if shaped:
                expected["record"] = shaped
            answer = emu.page(query, b"{}", page, PAGE)
            assert answer == json.dumps(expected, ensure_ascii=False).encode("utf-8")
