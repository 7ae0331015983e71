"""Issue 22: the two report endpoints of API v1 keep their paths and JSON shape when they move
onto the framework that generates the OpenAPI document. The shape is frozen here: every key,
nested, with the JSON type of its value (and of list items), as it was served by the
hand-written endpoints; a key added later is allowed only where the issues add one."""

import csv
import io

import pytest

from tests.test_report_pages import bearer, org  # noqa: F401 - the fixture

NUMBER, INT, STR, BOOL, NONE = "number", "integer", "string", "boolean", "null"


def shape(value):
    """The JSON shape of a value: {key: shape} for objects, [shape of the first item] for
    lists, the type's name otherwise (an integer is a number too)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, str):
        return STR
    return NONE


AREA = {
    "name_th": STR,
    "name_en": STR,
    "assessed": INT,
    "avg_level": NUMBER,
    "avg_target": NUMBER,
    "avg_gap": NUMBER,
    "meeting_target": INT,
    "meeting_target_rate": NUMBER,
    "supervisor_rated": INT,
    "supervisor_avg_level": NUMBER,
    "self_minus_supervisor": NUMBER,
}
COUNTS = (
    "headcount",
    "self_assessed",
    "idp_submitted",
    "idp_approved",
    "idp_completed",
    "developing",
    "activities",
    "courses_completed",
    "self_evaluated",
    "evaluated",
    "goals_evaluated",
    "goals_achieved",
    "goals_partly",
    "goals_not_achieved",
    "verified",
    "applied_at_work",
)
RATES = (
    "self_assessed_rate",
    "idp_submitted_rate",
    "idp_approved_rate",
    "idp_completed_rate",
    "developing_rate",
    "readiness",
    "self_evaluated_rate",
    "evaluated_rate",
    "goals_achieved_rate",
    "verified_rate",
    "applied_at_work_rate",
)
FIGURES = {
    **dict.fromkeys(COUNTS, INT),
    **dict.fromkeys(RATES, (NUMBER, NONE)),
    "hours": NUMBER,
    "verified_hours": NUMBER,
    "hours_by_bucket": dict.fromkeys(("70", "20", "10"), NUMBER),
    "mix": (dict.fromkeys(("70", "20", "10"), NUMBER), NONE),
    "hours_bands": dict.fromkeys(("0", "1-11", "12-29", "30+"), INT),
    "median_hours": (NUMBER, NONE),
    "top_gaps": ([STR], []),
    "top_gaps_tied": BOOL,
    "skills": "areas",
}
UNIT = {"code": STR, "name_th": STR, "name_en": (STR, NONE)}


def check(value, expected, where: str) -> None:
    """`value` has the frozen shape `expected` (a tuple: one of several; "areas": a map of
    area codes to AREA)."""
    if isinstance(expected, tuple):
        failures = []
        for option in expected:
            try:
                check(value, option, where)
                return
            except AssertionError as failure:
                failures.append(str(failure))
        raise AssertionError(f"{where}: none of {failures}")
    if expected == "areas":
        assert isinstance(value, dict) and value, where
        for code, area in value.items():
            check(area, {k: (v, NONE) for k, v in AREA.items()}, f"{where}.{code}")
        return
    if isinstance(expected, dict):
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        assert set(value) == set(expected), f"{where}: keys {sorted(set(value) ^ set(expected))}"
        for key, inner in expected.items():
            check(value[key], inner, f"{where}.{key}")
        return
    if isinstance(expected, list):
        assert isinstance(value, list), where
        for n, item in enumerate(value):
            check(item, expected[0], f"{where}[{n}]")
        return
    got = shape(value)
    assert got == expected or (expected == NUMBER and got == INT), f"{where}: {got} != {expected}"


def test_the_unit_report_keeps_its_path_and_json_shape(client, org):  # noqa: F811
    response = client.get("/api/v1/reports/units/DEPT?cycle=2566", headers=bearer(org["hr"]))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_json()
    check(
        data,
        {
            "unit": UNIT,
            "cycle": INT,
            "role_group": (STR, NONE),
            "track": (STR, NONE),
            "as_of": STR,
            **FIGURES,
            "children": [{**UNIT, **FIGURES}],
            "own": ({**FIGURES}, NONE),
            "trend": ({"cycle": INT, **FIGURES}, NONE),
        },
        "report",
    )
    assert data["unit"]["code"] == "DEPT" and data["cycle"] == 2566
    assert data["as_of"] == "2023-09-30"
    assert data["trend"]["cycle"] == 2565
    filtered = client.get(
        "/api/v1/reports/units/DEPT?cycle=2566&track=T2", headers=bearer(org["hr"])
    ).get_json()
    assert filtered["track"] == "T2" and filtered["role_group"] is None


def test_the_people_list_keeps_its_path_and_columns(client, org):  # noqa: F811
    response = client.get(
        "/api/v1/reports/units/DEPT/people.csv?cycle=2566", headers=bearer(org["hr"])
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="people-DEPT-FY2566.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    head = rows[0]
    assert head[:10] == [
        "employee_no",
        "unit_code",
        "role_group",
        "self_assessed",
        "idp_status",
        "activities",
        "hours_70",
        "hours_20",
        "hours_10",
        "courses_completed",
    ]
    assert all(h.startswith(("level_", "target_")) for h in head[10:]) and "level_DLIT" in head
    assert len(rows) == 1 + 6


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/api/v1/reports/units/NOPE?cycle=2566", 404, "unit_not_found"),
        ("/api/v1/reports/units/DEPT?cycle=2400", 404, "cycle_not_found"),
        ("/api/v1/reports/units/DEPT?role_group=ZZ", 400, "role_group_unknown"),
        ("/api/v1/reports/units/DEPT?track=T9", 400, "track_unknown"),
    ],
)
def test_errors_keep_their_codes(client, org, url, status, code):  # noqa: F811
    response = client.get(url, headers=bearer(org["hr"]))
    assert response.status_code == status and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_every_response_is_what_the_generated_document_says(client, org):  # noqa: F811
    """The JSON served loads back through the schema the document is generated from: no key
    it does not declare, none it declares missing, every value of the declared type."""
    from lms.api.schemas.reports import UnitReportSchema

    for url in (
        "/api/v1/reports/units/DEPT?cycle=2566",
        "/api/v1/reports/units/SEC-A?cycle=2565",
        "/api/v1/reports/units/DEPT?cycle=2566&role_group=ACAD",
    ):
        data = client.get(url, headers=bearer(org["hr"])).get_json()
        assert UnitReportSchema().validate(data) == {}, url
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/units/{code}"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"cycle", "role_group", "track"}
    assert set(operation["responses"]) >= {"200", "400", "401", "404", "422"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "UnitReport" in spec["components"]["schemas"]


def test_a_value_of_the_wrong_type_says_which_field(client, org):  # noqa: F811
    response = client.get("/api/v1/reports/units/DEPT?cycle=abc", headers=bearer(org["hr"]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unprocessable" and "cycle" in error["fields"]


def test_the_docs_page_is_drawn_from_the_document_without_scripts(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "GET /api/v1/reports/units/{code}" in text and 'id="schema-UnitReport"' in text
    assert "<script" not in text.split("</head>")[1]  # the app's own script only, deferred
    assert "cdn" not in text.lower()


def test_hr_lists_the_people_in_scope_with_where_each_is_in_the_year(client, org):  # noqa: F811
    headers = bearer(org["hr"])
    first = client.get("/api/v1/reports/units/DEPT/people?cycle=2566&per_page=4", headers=headers)
    assert first.status_code == 200
    page = first.get_json()
    assert page["total"] == 6 and len(page["items"]) == 4  # as the report's headcount
    assert page["links"]["next"] and page["links"]["prev"] is None
    second = client.get(page["links"]["next"], headers=headers).get_json()
    assert len(second["items"]) == 2 and second["links"]["next"] is None
    everyone = {p["employee_no"]: p for p in page["items"] + second["items"]}
    first_person = everyone["W00001"]
    assert first_person["self_assessed"] is True and first_person["idp_status"] == "approved"
    assert first_person["hours"] == 15.5 and first_person["unit_code"] == "SEC-A"
    assert (
        client.get(  # another department's HR: not theirs to list
            "/api/v1/reports/units/DEPT/people?cycle=2566", headers=bearer(org["other_hr"])
        ).status_code
        == 404
    )
    assert (
        client.get(  # staff: no unit at all
            "/api/v1/reports/units/SEC-A/people?cycle=2566", headers=bearer(org["staff"])
        ).status_code
        == 404
    )
