"""The schema picture (docs/twilio_schema.svg and .pdf): current, complete, well-formed, and drawn from
the data, so a new collection or a new dbt relationship changes it."""

from __future__ import annotations

import dataclasses
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from twilio_assets.catalog import ALL_COLLECTIONS, BY_NAME
from twilio_assets.dbt import DBT_PROJECT_DIR
from twilio_assets.schema_diagram import PDF_PATH, SVG_PATH, build_schema, generate
from twilio_assets.schema_diagram.__main__ import main
from twilio_assets.schema_diagram.model import DERIVED, NOT_COLLECTIONS

FIX = "run `make schema` (python -m twilio_assets.schema_diagram) and commit docs/twilio_schema.*"


@pytest.fixture(scope="module")
def fresh() -> dict[Path, bytes]:
    return generate()


def _svg_data(svg: bytes, key: str) -> dict[str, str]:
    """`data-<key>` value -> the element's text, over the whole SVG."""
    root = ET.fromstring(svg)
    return {el.get(f"data-{key}"): (el.text or "") for el in root.iter() if el.get(f"data-{key}") is not None}


def _pdf_strings(pdf: bytes) -> set[bytes]:
    return set(re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf))


# --- the committed files -------------------------------------------------------------------------


def test_committed_picture_is_current(fresh):
    for path, data in fresh.items():
        assert path.exists(), f"{path.name} is missing: {FIX}"
        assert path.read_bytes() == data, f"{path.name} is stale (catalogue or dbt tests changed): {FIX}"
    assert main(["--check"]) == 0


def test_generation_is_byte_for_byte_deterministic(fresh):
    assert generate() == fresh
    assert b"CreationDate" not in fresh[PDF_PATH] and b"/ID" not in fresh[PDF_PATH]


def test_every_collection_and_column_is_in_the_svg():
    svg = SVG_PATH.read_bytes()
    names, columns, kinds = (_svg_data(svg, key) for key in ("collection", "column", "kind"))
    root = ET.fromstring(svg)
    bold = {el.get("data-column") for el in root.iter() if el.get("font-weight") == "bold"}
    for collection in ALL_COLLECTIONS:
        assert names.get(collection.name) == collection.name, f"{collection.name} not drawn: {FIX}"
        for column in collection.columns:
            key = f"{collection.name}.{column.name}"
            assert columns.get(key) == column.name, f"{key} not drawn: {FIX}"
            assert kinds.get(key) == column.kind.name, f"{key} drawn without its kind {column.kind.name}: {FIX}"
        assert f"{collection.name}.{collection.primary_key}" in bold, f"{collection.name}: key not marked"
    assert set(names) == set(BY_NAME), f"the picture draws collections the catalogue no longer has: {FIX}"


def test_every_collection_and_column_is_in_the_pdf():
    strings = _pdf_strings(PDF_PATH.read_bytes())
    for collection in ALL_COLLECTIONS:
        assert collection.name.encode() in strings
        for column in collection.columns:
            assert column.name.encode() in strings and column.kind.name.encode() in strings


# --- the linkages --------------------------------------------------------------------------------


def _yml_relationships() -> set[tuple[str, str, str]]:
    """(model, column, ref'd model) of every relationships test, read here independently of the package."""
    found = set()
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            for column in model.get("columns") or []:
                for test in column.get("data_tests") or column.get("tests") or []:
                    if isinstance(test, dict) and "relationships" in test:
                        spec = test["relationships"]
                        to = (spec.get("arguments") or spec)["to"]
                        found.add((model["name"], column["name"], re.search(r"ref\('(\w+)'\)", to).group(1)))
    return found


def _collection(model: str) -> str | None:
    """stg_/int_twilio__X is collection X; a model selecting from a single model is that model's collection."""
    match = re.fullmatch(r"(?:stg|int)_twilio__(\w+)", model)
    if match and match.group(1) in BY_NAME:
        return match.group(1)
    sql = next((DBT_PROJECT_DIR / "models").rglob(f"{model}.sql"), None)
    refs = set(re.findall(r"ref\('(\w+)'\)", sql.read_text())) if sql else set()
    return _collection(refs.pop()) if len(refs) == 1 else None


def _raw_column(collection: str, dbt_column: str) -> str:
    sql = next((DBT_PROJECT_DIR / "models").rglob(f"stg_twilio__{collection}.sql")).read_text()
    built = dict((alias, raw) for raw, alias in re.findall(r"twilio_key\('(\w+)'\) }} as (\w+)", sql))
    return built.get(dbt_column, dbt_column)


def test_every_dbt_relationship_between_collections_is_in_the_svg():
    svg = SVG_PATH.read_bytes()
    drawn, skipped = _svg_data(svg, "link"), _svg_data(svg, "skipped")
    relationships = _yml_relationships()
    assert len(relationships) > 20  # the walk found the linkage tests
    for model, column, target in sorted(relationships):
        child, parent = _collection(model), _collection(target)
        if child is None or parent is None:
            continue  # not between collections: may be listed, need not be
        raw = _raw_column(child, column)
        line = f"{child}.{raw}->{parent}.{BY_NAME[parent].primary_key}"
        listed = f"{child}.{column}->{parent}"
        assert line in drawn or listed in skipped, f"dbt tests {model}.{column} -> {target}; not in the picture: {FIX}"
        if listed in skipped:  # left out only when the column exists in no raw table
            assert raw not in BY_NAME[child].column_names, f"{listed} has a raw column and should be drawn"


def test_known_linkages_are_drawn_once():
    schema = build_schema()
    ids = [link.id for link in schema.links]
    assert len(ids) == len(set(ids))
    for expected in (
        "calls.parent_call_sid->calls.sid",  # int_twilio__call_legs stands for calls
        "recordings.call_sid->calls.sid",
        "conferences.call_sid_ending_conference->calls.sid",  # ending_call_key, traced through staging
        "incoming_phone_numbers.emergency_address_sid->addresses.sid",
        "transcriptions.recording_sid->recordings.sid",
        "conference_participants.conference_sid->conferences.sid",
        "accounts.owner_account_sid->accounts.sid",
    ):
        assert expected in ids
    for collection in ALL_COLLECTIONS:
        if "account_sid" in collection.column_names:
            assert f"{collection.name}.account_sid->accounts.sid" in ids
    assert {s.id for s in schema.skipped} >= {
        "calls.root_call_key->calls",
        "transcriptions.conference_key->conferences",
    }
    assert {s.reason for s in schema.skipped} <= {DERIVED, NOT_COLLECTIONS}


def test_groups_are_the_catalogues_products():
    group = {t.name: t.group for t in build_schema().tables}
    assert group == {collection.name: collection.product for collection in ALL_COLLECTIONS}
    assert {n for n, g in group.items() if g == "voice"} >= {"calls", "recordings", "conference_participants"}
    assert group["messages"] == "messaging" and group["usage_records"] == "usage"


# --- the PDF's structure -------------------------------------------------------------------------


def _pdf_object(pdf: bytes, offset: int) -> bytes:
    return pdf[offset : pdf.index(b"endobj", offset)]


def test_pdf_is_well_formed():
    pdf = PDF_PATH.read_bytes()
    assert pdf.startswith(b"%PDF-1.4\n")
    tail = re.search(rb"startxref\n(\d+)\n%%EOF\n\Z", pdf)
    assert tail, "no startxref / %%EOF at the end"
    xref = int(tail.group(1))
    head = re.match(rb"xref\n0 (\d+)\n", pdf[xref:])
    assert head, "startxref does not point at the xref table"
    count, table = int(head.group(1)), pdf[xref + head.end() :]
    entries = [table[20 * i : 20 * (i + 1)] for i in range(count)]
    assert entries[0] == b"0000000000 65535 f \n"
    offsets = {}
    for number, entry in enumerate(entries[1:], start=1):
        assert re.fullmatch(rb"\d{10} 00000 n \n", entry), entry
        offsets[number] = int(entry[:10])
        assert pdf[offsets[number] :].startswith(b"%d 0 obj\n" % number), f"xref offset of object {number} is wrong"
    trailer = table[20 * count :]
    assert trailer.startswith(b"trailer\n<<")
    assert int(re.search(rb"/Size (\d+)", trailer).group(1)) == count
    root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))
    assert b"/Type /Catalog" in _pdf_object(pdf, offsets[root])
    info = int(re.search(rb"/Info (\d+) 0 R", trailer).group(1))
    assert b"/Producer" in _pdf_object(pdf, offsets[info])
    assert b"/BaseFont /Helvetica " in pdf and b"/MediaBox [0 0 " in pdf
    streams = list(re.finditer(rb"<< /Length (\d+) >>\nstream\n", pdf))
    assert streams
    for stream in streams:
        end = stream.end() + int(stream.group(1))
        assert pdf[end:].startswith(b"endstream"), "a stream's /Length is wrong"
        content = pdf[stream.end() : end]
        assert content.count(b" BT ") == content.count(b" ET") and b" re " in content and b" l " in content


# --- drawn from the data -------------------------------------------------------------------------


def test_an_added_collection_is_drawn(fresh):
    extra = dataclasses.replace(BY_NAME["addresses"], name="brand_new_collection", product="brand_new_product")
    files = generate(ALL_COLLECTIONS + (extra,))
    names, columns = _svg_data(files[SVG_PATH], "collection"), _svg_data(files[SVG_PATH], "column")
    assert "brand_new_collection" in names and set(BY_NAME) <= set(names)
    assert all(columns.get(f"brand_new_collection.{c.name}") == c.name for c in extra.columns)
    assert b"brand_new_collection" in _pdf_strings(files[PDF_PATH])
    assert _svg_data(files[SVG_PATH], "group").get("brand_new_product") == "brand_new_product"  # its product's group
    assert files[SVG_PATH] != fresh[SVG_PATH] and files[PDF_PATH] != fresh[PDF_PATH]


def test_a_dropped_collection_leaves_the_picture(fresh):
    kept = tuple(c for c in ALL_COLLECTIONS if c.name != "transcriptions")
    files = generate(kept)
    assert "transcriptions" not in _svg_data(files[SVG_PATH], "collection")
    assert not any(k.startswith("transcriptions.") for k in _svg_data(files[SVG_PATH], "link"))


def test_a_new_dbt_relationship_is_drawn_and_duplicates_merge(tmp_path):
    shutil.copytree(DBT_PROJECT_DIR / "models", tmp_path / "models")
    (tmp_path / "models" / "_extra.yml").write_text(
        """
version: 2
models:
  - name: stg_twilio__calls
    columns:
      - name: phone_number_sid
        data_tests:
          - relationships: {arguments: {to: ref('stg_twilio__incoming_phone_numbers'), field: phone_number_key}}
  - name: stg_twilio__recordings
    columns:
      - name: call_key
        data_tests:
          - relationships: {to: ref('stg_twilio__calls'), field: call_key}
  - name: fct_calls
    columns:
      - name: account_key
        data_tests:
          - relationships: {arguments: {to: ref('fct_account_daily_activity'), field: account_key}}
"""
    )
    schema = build_schema(dbt_project_dir=tmp_path)
    ids = [link.id for link in schema.links]
    assert "calls.phone_number_sid->incoming_phone_numbers.sid" in ids
    assert ids.count("recordings.call_sid->calls.sid") == 1
    assert len(ids) == len(build_schema().links) + 1
    assert any(s.reason == NOT_COLLECTIONS and s.source == "fct_calls" for s in schema.skipped)
    svg = generate(dbt_project_dir=tmp_path)[SVG_PATH]
    assert "calls.phone_number_sid->incoming_phone_numbers.sid" in _svg_data(svg, "link")
    assert "fct_calls.account_key->fct_account_daily_activity" in _svg_data(svg, "skipped")
