"""The statement ceiling's settings and its message (twilio_assets/dbt/ceiling.py), without dbt."""

from __future__ import annotations

import pytest

from twilio_assets.dbt.ceiling import (
    DEFAULT_STATEMENT_TIMEOUT,
    STATEMENT_TIMEOUT_ENV,
    dbt_environment,
    explain_build_failure,
    statement_ceiling,
    statement_timeout,
)


@pytest.mark.parametrize(
    ("given", "ceiling"),
    [
        ("90s", "90s"),
        (" 30min ", "30min"),
        ("2h", "2h"),
        ("1500", "1500ms"),
        ("0", "0ms"),
        ("", DEFAULT_STATEMENT_TIMEOUT),
    ],
)
def test_the_ceiling_is_read_in_postgresql_units(given, ceiling):
    assert statement_timeout({STATEMENT_TIMEOUT_ENV: given}) == ceiling


def test_without_a_setting_the_default_applies():
    assert statement_timeout({}) == DEFAULT_STATEMENT_TIMEOUT == "30min"


@pytest.mark.parametrize("given", ["half an hour", "30 minutes", "-5s", "1.5h", "30min; drop table x"])
def test_a_malformed_ceiling_is_refused_naming_the_setting_and_the_fix(given):
    with pytest.raises(ValueError) as raised:
        statement_timeout({STATEMENT_TIMEOUT_ENV: given})
    message = str(raised.value)
    assert STATEMENT_TIMEOUT_ENV in message and repr(given) in message and "30min" in message


def test_pgoptions_get_the_ceiling_and_the_client_check_and_keep_what_was_there():
    environment = dbt_environment({STATEMENT_TIMEOUT_ENV: "45min", "PGOPTIONS": "-c search_path=x", "PGHOST": "h"})
    assert environment["PGOPTIONS"] == (
        "-c statement_timeout=45min -c client_connection_check_interval=5s -c search_path=x"
    )
    assert environment["PGHOST"] == "h"
    # A user's own statement_timeout comes later on the command line, so PostgreSQL applies it.
    mine = dbt_environment({"PGOPTIONS": "-c statement_timeout=5min"})["PGOPTIONS"]
    assert mine.endswith("-c statement_timeout=5min")


def test_the_ceiling_applies_inside_the_block_only():
    environ = {"PGOPTIONS": "-c work_mem=64MB"}
    with statement_ceiling(environ) as ceiling:
        assert ceiling == "30min"
        assert environ["PGOPTIONS"].startswith("-c statement_timeout=30min ")
    assert environ == {"PGOPTIONS": "-c work_mem=64MB"}
    bare: dict[str, str] = {}
    with statement_ceiling(bare):
        assert "PGOPTIONS" in bare
    assert bare == {}


def _result(unique_id: str, status: str, message: str | None) -> dict:
    return {"unique_id": unique_id, "status": status, "message": message}


def test_a_build_past_the_ceiling_names_the_models_and_the_fix():
    results = {
        "results": [
            _result("model.twilio_assets.stg_twilio__calls", "success", "CREATE VIEW"),
            _result(
                "model.twilio_assets.fct_calls",
                "error",
                "Database Error\n  canceling statement due to statement timeout",
            ),
            _result(
                "model.twilio_assets.int_twilio__call_legs", "error", "canceling statement due to statement timeout"
            ),
            _result("model.twilio_assets.fct_messages", "error", 'relation "x" does not exist'),
        ]
    }
    message = explain_build_failure(results, "30min")
    assert message is not None
    assert "fct_calls, int_twilio__call_legs" in message
    assert "fct_messages" not in message
    assert "dbt build --full-refresh --select fct_calls int_twilio__call_legs" in message
    assert "30min" in message and STATEMENT_TIMEOUT_ENV in message


def test_other_failures_are_left_to_dbts_own_error():
    failed = {"results": [_result("model.twilio_assets.fct_calls", "error", "division by zero")]}
    assert explain_build_failure(failed, "30min") is None
    assert explain_build_failure(None, "30min") is None
    assert explain_build_failure({"results": []}, "30min") is None
