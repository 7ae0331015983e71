"""The OpenAPI description of API v1, served at /api/v1/openapi.json."""

_ERROR = {
    "description": "An error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_AVG = {"type": ["number", "null"]}
_COUNT = {"type": "integer", "minimum": 0}

_AREA = {
    "type": "object",
    "properties": {
        "name_th": {"type": "string"},
        "name_en": {"type": ["string", "null"]},
        "assessed": _COUNT,
        "avg_level": _AVG,
        "avg_target": _AVG,
        "avg_gap": _AVG,
        "meeting_target": _COUNT,
        "meeting_target_rate": _RATE,
        "supervisor_rated": _COUNT,
        "supervisor_avg_level": _AVG,
        "self_minus_supervisor": _AVG,
    },
}
_FIGURES = {
    "type": "object",
    "description": "PRODUCT.md section 5: rates are fractions, null where nothing is counted.",
    "properties": {
        "headcount": _COUNT,
        "self_assessed": _COUNT,
        "self_assessed_rate": _RATE,
        "idp_submitted": _COUNT,
        "idp_submitted_rate": _RATE,
        "idp_approved": _COUNT,
        "idp_approved_rate": _RATE,
        "idp_completed": _COUNT,
        "idp_completed_rate": _RATE,
        "developing": _COUNT,
        "developing_rate": _RATE,
        "activities": _COUNT,
        "hours": {"type": "number"},
        "hours_by_bucket": {
            "type": "object",
            "properties": {b: {"type": "number"} for b in ("70", "20", "10")},
        },
        "mix": {
            "type": ["object", "null"],
            "properties": {b: {"type": "number"} for b in ("70", "20", "10")},
        },
        "courses_completed": _COUNT,
        "readiness": _RATE,
        "self_evaluated": _COUNT,
        "self_evaluated_rate": _RATE,
        "evaluated": _COUNT,
        "evaluated_rate": _RATE,
        "goals_evaluated": _COUNT,
        "goals_achieved": _COUNT,
        "goals_partly": _COUNT,
        "goals_not_achieved": _COUNT,
        "goals_achieved_rate": {**_RATE, "description": "over goals_evaluated"},
        "verified": _COUNT,
        "verified_rate": _RATE,
        "applied_at_work": _COUNT,
        "applied_at_work_rate": _RATE,
        "verified_hours": {"type": "number"},
        "hours_bands": {
            "type": "object",
            "description": "People by hours logged in the cycle: 0; more than 0 and under 12; "
            "12 to under 30; 30 or more.",
            "properties": {b: _COUNT for b in ("0", "1-11", "12-29", "30+")},
        },
        "median_hours": {"type": ["number", "null"]},
        "top_gaps": {"type": "array", "items": {"type": "string"}},
        "top_gaps_tied": {"type": "boolean"},
        "skills": {"type": "object", "additionalProperties": _AREA},
    },
}
_UNIT = {
    "code": {"type": "string"},
    "name_th": {"type": "string"},
    "name_en": {"type": ["string", "null"]},
}
_PARAMS = [
    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
    {
        "name": "cycle",
        "in": "query",
        "description": "Fiscal year in the Buddhist Era (default: the open cycle)",
        "schema": {"type": "integer", "example": 2570},
    },
]

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Thaksa API",
        "version": "1",
        "description": "Digital-skills reports of unit subtrees. A token (flask lms token create "
        "EMPLOYEE_NO_OR_EMAIL) carries its owner's rights: HR and executives see their "
        "units, admins every unit.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        "required": ["code", "message"],
                    }
                },
            },
            "Figures": _FIGURES,
            "UnitReport": {
                "allOf": [
                    {"$ref": "#/components/schemas/Figures"},
                    {
                        "type": "object",
                        "properties": {
                            "unit": {"type": "object", "properties": _UNIT},
                            "cycle": {"type": "integer"},
                            "role_group": {"type": ["string", "null"]},
                            "as_of": {"type": "string", "format": "date"},
                            "children": {
                                "type": "array",
                                "items": {
                                    "allOf": [
                                        {"$ref": "#/components/schemas/Figures"},
                                        {"type": "object", "properties": _UNIT},
                                    ]
                                },
                            },
                            "own": {
                                "description": "The people placed in the unit itself (not in "
                                "a unit under it): own and children add up to the unit. Null "
                                "for a unit without units under it.",
                                "oneOf": [
                                    {"type": "null"},
                                    {"$ref": "#/components/schemas/Figures"},
                                ],
                            },
                            "trend": {
                                "oneOf": [
                                    {"type": "null"},
                                    {
                                        "allOf": [
                                            {"$ref": "#/components/schemas/Figures"},
                                            {
                                                "type": "object",
                                                "properties": {"cycle": {"type": "integer"}},
                                            },
                                        ]
                                    },
                                ]
                            },
                        },
                    },
                ]
            },
        },
    },
    "paths": {
        "/reports/units/{code}": {
            "get": {
                "summary": "Section 5 figures of a unit subtree in a cycle",
                "parameters": [
                    *_PARAMS,
                    {
                        "name": "role_group",
                        "in": "query",
                        "description": "Only one role group (EXEC, MGMT, ACAD, SERV, TECH, OTHER)",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The figures",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/UnitReport"}
                            }
                        },
                    },
                    "400": _ERROR,
                    "401": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/reports/units/{code}/people.csv": {
            "get": {
                "summary": "One row per person counted in the subtree",
                "description": "Columns: employee_no, unit_code, role_group, self_assessed (1/0), "
                "idp_status (none, draft, submitted, returned, approved, completed), activities, "
                "hours_70, hours_20, hours_10, courses_completed, then level_<AREA> and "
                "target_<AREA> for every area of the cycle's framework (empty when none or "
                "not applicable).",
                "parameters": _PARAMS,
                "responses": {
                    "200": {"description": "CSV", "content": {"text/csv": {}}},
                    "401": _ERROR,
                    "404": _ERROR,
                },
            }
        },
    },
}
