"""The dbt project itself: every model and column users see is documented, every key and link is
tested, and the instance-driven sources compile even for collections no instance syncs."""

from __future__ import annotations

import json
import re

from twilio_assets.instances import Instance, SyncSettings

from .conftest import Build, connect, copy_project, query, run_dbt

LAYERS = {
    "staging": "twilio_staging",
    "linkage": "twilio_linkage",
    "marts": "twilio_marts",
    "history": "twilio_history",
}
# Staging is views over the raw tables; the history timelines are incremental; linkage and marts are
# incremental where they grow with the history, tables where they list what exists now.
MATERIALIZED = {
    "staging": {"view"},
    "linkage": {"incremental", "table"},
    "marts": {"incremental", "table"},
    "history": {"incremental"},
}


def attached_tests(build: Build, model_id: str) -> dict[str, list[dict]]:
    """Tests attached to a model, by column (None for model-level tests)."""
    found: dict[str, list[dict]] = {}
    for node in build.manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node") == model_id:
            found.setdefault(node.get("column_name"), []).append(node)
    return found


def test_models_live_in_their_layer_schema(dbt_build: Build):
    for name, node in dbt_build.models().items():
        layer = node["fqn"][1]
        assert node["schema"] == LAYERS[layer], name
        assert node["config"]["materialized"] in MATERIALIZED[layer], name


def test_models_that_grow_with_the_history_are_incremental(dbt_build: Build):
    """A model with a day column holds a row per record per day synced: a tick must not rebuild it."""
    growing = {
        name: node["config"]["materialized"]
        for name, node in dbt_build.models().items()
        if node["fqn"][1] != "staging" and {"activity_date", "usage_date"} & set(node["columns"])
    }
    assert {"int_twilio__messages", "fct_calls", "fct_spend_daily"} <= set(growing)
    assert {name for name, materialized in growing.items() if materialized != "incremental"} == set()


def test_every_model_and_column_is_documented(dbt_build: Build):
    env = dbt_build.warehouse.env
    for name, node in dbt_build.models().items():
        assert node["description"].strip(), f"{name} has no description"
        actual = [
            c
            for (c,) in query(
                env,
                "select column_name from information_schema.columns where table_schema = %s and table_name = %s order by ordinal_position",
                (node["schema"], node["alias"]),
            )
        ]
        documented = node["columns"]
        assert set(documented) == set(actual), (
            f"{name}: undocumented {set(actual) - set(documented)}, stale {set(documented) - set(actual)}"
        )
        blank = [c for c, column in documented.items() if not column["description"].strip()]
        assert not blank, f"{name}: columns without a description: {blank}"


def test_every_key_is_unique_and_not_null(dbt_build: Build):
    """Every key is tested not null, and is unique: by a `unique` test, or by PostgreSQL, where a tick's
    test would prove nothing new (an incremental model's unique index on its key; a staging view's key
    built from its raw table's primary key)."""
    for name, node in dbt_build.models().items():
        tests = attached_tests(dbt_build, node["unique_id"])
        if name == "fct_account_daily_activity":
            key_tests = {t["test_metadata"]["name"] for t in tests.get(None, []) if t.get("test_metadata")}
            assert "unique_combination_of_columns" in key_tests
            continue
        key = next(iter(node["columns"]))  # each model leads with its key
        assert key.endswith("_key"), name
        kinds = {t["test_metadata"]["name"] for t in tests.get(key, [])}
        assert "not_null" in kinds or key in not_null_columns(tests), f"{name}.{key}: {kinds}"
        if "unique" not in kinds:
            assert unique_in_postgres(dbt_build, node, key), f"{name}.{key}: neither tested nor enforced unique"
        if name.startswith("fct_"):  # grain test on every mart
            assert "unique_combination_of_columns" in {
                t["test_metadata"]["name"] for t in tests.get(None, []) if t.get("test_metadata")
            }


def not_null_columns(tests: dict[str, list[dict]]) -> set[str]:
    """The columns a model-level `not_null_columns` test checks."""
    return {
        column
        for test in tests.get(None, [])
        if test.get("test_metadata", {}).get("name") == "not_null_columns"
        for column in test["test_metadata"]["kwargs"]["column_names"]
    }


def test_a_null_in_any_checked_column_fails_not_null_columns(dbt_build: Build):
    """The test's own SQL, run in a transaction where a checked column of one row is NULL: it names
    that column (and only it), and reports nothing once the change is rolled back."""
    model = dbt_build.models()["fct_calls"]
    test = next(
        t for t in attached_tests(dbt_build, model["unique_id"])[None] if t["name"].startswith("not_null_columns")
    )
    columns = test["test_metadata"]["kwargs"]["column_names"]
    assert len(columns) > 1
    compiled = test["compiled_code"]
    table = f'"{model["schema"]}"."{model["alias"]}"'
    connection = connect(dbt_build.warehouse.env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"select * from ({compiled}) as failures")
            assert cursor.fetchall() == []
            cursor.execute(
                f"update {table} set {columns[-1]} = null where call_key = (select min(call_key) from {table})"
            )
            assert cursor.rowcount == 1
            cursor.execute(f"select * from ({compiled}) as failures")
            assert cursor.fetchall() == [(columns[-1], 1)]
        connection.rollback()
    finally:
        connection.close()


def unique_in_postgres(build: Build, node: dict, key: str) -> bool:
    """Whether PostgreSQL keeps `key` unique, read from the warehouse the build wrote."""
    if node["config"]["materialized"] == "incremental":
        return bool(
            query(
                build.warehouse.env,
                "select 1 from pg_index as i join pg_attribute as a"
                " on a.attrelid = i.indrelid and a.attnum = i.indkey[0]"
                " where i.indrelid = to_regclass(%s) and i.indisunique and i.indnatts = 1 and a.attname = %s",
                (f'"{node["schema"]}"."{node["alias"]}"', key),
            )
        )
    if node["config"]["materialized"] != "view":
        return False
    collection = re.search(r"twilio_union_raw\('(\w+)'\)", node["raw_code"])
    built_from = re.search(
        r"(?:twilio_key\('(\w+)'\) }}|raw\.instance_name \|\| ':' \|\| raw\.(\w+)) as " + key + r"\b", node["raw_code"]
    )
    if not collection or not built_from:
        return False
    column = built_from.group(1) or built_from.group(2)
    schemas = [i.schema for i in build.warehouse.settings.instances if collection.group(1) in i.collection_names]
    # Instances have distinct names, and the key starts with the instance's name: unique per raw table
    # is unique in the view.
    return bool(schemas) and all(
        query(
            build.warehouse.env,
            "select 1 from pg_constraint as c join pg_attribute as a"
            " on a.attrelid = c.conrelid and a.attnum = c.conkey[1]"
            " where c.conrelid = to_regclass(%s) and c.contype = 'p' and cardinality(c.conkey) = 1"
            " and a.attname = %s",
            (f'"{schema}"."{collection.group(1)}"', column),
        )
        for schema in schemas
    )


def test_every_link_has_a_relationships_test_and_every_warning_says_why(dbt_build: Build):
    for name, node in dbt_build.models().items():
        if node["fqn"][1] != "linkage":
            continue
        own_key = next(iter(node["columns"]))
        tests = attached_tests(dbt_build, node["unique_id"])
        for column in node["columns"]:
            if not column.endswith("_key") or column == own_key or column.startswith("resolved_"):
                continue
            links = [t for t in tests.get(column, []) if t["test_metadata"]["name"] == "relationships"]
            assert links, f"{name}.{column} has no relationships test"
            for test in links:
                if test["config"]["severity"].lower() == "warn":
                    assert test["description"].strip(), f"{test['name']} warns without saying why"


# Twilio's status and direction enums (incoming_phone_numbers.status is a free string in the spec).
ENUM_COLUMNS = {
    "stg_twilio__accounts": ("status", "account_type"),
    "stg_twilio__calls": ("status", "direction"),
    "stg_twilio__conferences": ("status", "end_reason"),
    "stg_twilio__conference_participants": ("call_status", "call_direction"),
    "stg_twilio__recordings": ("status", "source"),
    "stg_twilio__transcriptions": ("status",),
    "stg_twilio__messages": ("status", "direction"),
    "stg_twilio__call_feedback": ("call_state", "quality_score"),
    "stg_twilio__incoming_phone_numbers": ("address_requirements", "emergency_status"),
}


def test_status_and_direction_enums_have_accepted_values(dbt_build: Build):
    models = dbt_build.models()
    for name, columns in ENUM_COLUMNS.items():
        tests = attached_tests(dbt_build, models[name]["unique_id"])
        for column in columns:
            kinds = {t["test_metadata"]["name"] for t in tests.get(column, [])}
            assert "accepted_values" in kinds, f"{name}.{column}"


def test_sources_map_to_the_raw_assets(dbt_build: Build):
    sources = dbt_build.manifest["sources"].values()
    by_instance: dict[str, set[str]] = {}
    for source in sources:
        assert source["config"]["meta"]["dagster"]["asset_key"] == [source["schema"], source["name"]]
        by_instance.setdefault(source["source_name"], set()).add(source["name"])
    for instance in dbt_build.warehouse.settings.instances:
        assert by_instance[instance.schema] == set(instance.collection_names)


def test_collections_no_instance_syncs_compile_to_empty_typed_relations(dbt_build: Build, tmp_path):
    """Generate sources for one instance that syncs only accounts and calls: dbt still compiles every
    model, and an unsynced collection's staging view is empty with the catalogue's column types."""
    settings = SyncSettings(
        instances=(Instance(name="lean", schema="twilio_lean", collection_names=("accounts", "calls")),)
    )
    project = copy_project(tmp_path / "dbt_project", settings)
    env = dbt_build.warehouse.env
    done = run_dbt(project, env, "compile")
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    assert {s["name"] for s in manifest["sources"].values()} == {"accounts", "calls"}
    node = next(n for n in manifest["nodes"].values() if n["name"] == "stg_twilio__messages")
    assert node["depends_on"]["nodes"] == []
    connection = __import__("psycopg2").connect(
        host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], password=env["PGPASSWORD"], dbname=env["PGDATABASE"]
    )
    try:
        with connection.cursor() as cursor:  # read-only: nothing is created
            cursor.execute(f"select * from ({node['compiled_code']}) as empty_staging")
            assert cursor.fetchall() == []
            types = {d.name: d.type_code for d in cursor.description}
            cursor.execute("select oid, typname from pg_type where oid = any(%s)", (list(set(types.values())),))
            names = dict(cursor.fetchall())
    finally:
        connection.rollback()
        connection.close()
    typed = {column: names[code] for column, code in types.items()}
    assert typed["message_key"] == "text" and typed["price"] == "numeric" and typed["segment_count"] == "int8"
    assert typed["sent_at"] == "timestamptz" and typed["is_deleted"] == "bool"
