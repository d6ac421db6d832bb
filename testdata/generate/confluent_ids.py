"""Writes the vectors of Confluent's newer schema-id carriers with confluent-kafka's own
serializers and an in-process (mock://) registry:

- `<format>_confluent_ids.event.json` / `.expected.json` for avro (keys and values),
  json and protobuf: each record's id travels one of three ways, in turn:
  a `__key_schema_id` / `__value_schema_id` record header holding 0x01 + the schema GUID
  (+ the Protobuf message-index path) with no prefix on the payload
  (`header_schema_id_serializer`); a 0x01 + GUID prefix on the payload (the v1 form
  confluent-kafka's `SchemaId.guid_to_bytes` writes and its `dual_schema_id_deserializer`
  reads); the classic 0x00 + id prefix (`prefix_schema_id_serializer`);
- `registry/confluent.json`: what the mock registry holds (id, GUID, subject, version,
  type, text) for a test server to answer the REST API with.

The records' contents are those of the existing vectors (avro_keyed, json_plain,
protobuf_raw), so the expected decodings are theirs.

    pip install "confluent-kafka[avro,protobuf,json]==2.16.1" grpcio-tools
    python3 testdata/generate/confluent_ids.py
"""

import base64
import copy
import importlib
import json
import pathlib
import subprocess
import sys
import tempfile

from confluent_kafka.schema_registry import (
    SchemaRegistryClient,
    header_schema_id_serializer,
    prefix_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import json_format

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "vectors"
SCHEMAS = VECTORS / "schemas"


def guid_prefix_serializer(payload, ctx, schema_id):
    """The v1 payload prefix: 0x01, the GUID, [message indexes], then the payload."""
    return schema_id.guid_to_bytes() + payload


CARRIERS = [
    ("header", header_schema_id_serializer, "confluent-header"),
    ("guid-prefix", guid_prefix_serializer, "confluent"),
    ("id-prefix", prefix_schema_id_serializer, "confluent"),
]


def b64(data):
    return base64.b64encode(data).decode()


def header_json(name, value):
    try:
        return [name, value.decode("utf-8")]
    except UnicodeDecodeError:
        return [name, {"$bytes": b64(value)}]


def event_header(name, value):
    return {name: list(value)}


def load(name):
    event = json.loads((VECTORS / f"{name}.event.json").read_text())
    expected = json.loads((VECTORS / f"{name}.expected.json").read_text())
    return event, expected


def rewrite(event, expected, serializers, name, description):
    """Serializes each record's expected key and value again, carrier by carrier."""
    event = copy.deepcopy(event)
    expected = copy.deepcopy(expected)
    wanted = iter(expected["records"])
    index = 0
    for group in event["records"].values():
        for record in group:
            want = next(wanted)
            carrier, serializer_of, framing = CARRIERS[index % len(CARRIERS)]
            index += 1
            headers = []
            for part, field in (("key", MessageField.KEY), ("value", MessageField.VALUE)):
                serialize = serializers.get(part)
                if serialize is None or want[f"{part}_state"] != "present":
                    continue
                ctx = SerializationContext(record["topic"], field, headers)
                data = serialize[carrier](want[part], ctx)
                record[part] = b64(data)
                want[f"{part}_framing"] = framing
                want[f"{part}_schema_id"] = serialize["id_text"][carrier]
            for header_name, value in headers:
                record.setdefault("headers", [])
                record["headers"] = (record["headers"] or []) + [event_header(header_name, value)]
                want["headers"] = want["headers"] + [header_json(header_name, value)]
    expected["name"] = name
    expected["description"] = description
    expected["framing"] = "per-record"
    return event, expected


def ids_of(subject, client):
    """The ids each carrier names: the GUID, or the classic integer id."""
    latest = client.get_latest_version(subject)
    return {"header": str(latest.guid), "guid-prefix": str(latest.guid), "id-prefix": str(latest.schema_id)}


def write(name, event, expected):
    (VECTORS / f"{name}.event.json").write_text(json.dumps(event, indent=1, ensure_ascii=False) + "\n")
    (VECTORS / f"{name}.expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


def avro_input(value):
    value = dict(value)
    value["checksum"] = base64.b64decode(value["checksum"])
    return value


def compile_order_proto():
    out = pathlib.Path(tempfile.mkdtemp())
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{SCHEMAS}", f"--python_out={out}", "order.proto"],
        check=True,
    )
    sys.path.insert(0, str(out))
    return importlib.import_module("order_pb2")


def registry_entries(client):
    """What a mock:// registry holds (subject, version, id, GUID, type, schema text,
    references), in the shape the tests' registry server answers with."""
    entries = []
    for subject in sorted(client.get_subjects()):
        for version in client.get_versions(subject):
            registered = client.get_version(subject, version)
            schema = registered.schema
            text = schema.schema_str
            if schema.schema_type == "PROTOBUF":
                # The serializer registers a base64 FileDescriptorProto; a real registry
                # keeps it as .proto text and answers GET with the text.
                text = (SCHEMAS / "order.proto").read_text()
            entries.append({
                "subject": subject,
                "version": registered.version,
                "id": registered.schema_id,
                "guid": str(registered.guid),
                "schemaType": schema.schema_type,
                "schema": text,
                "references": [
                    {"name": r.name, "subject": r.subject, "version": r.version}
                    for r in (schema.references or [])
                ],
            })
    return entries


def main():
    client = SchemaRegistryClient.new_client({"url": "mock://vectors"})
    common = {"auto.register.schemas": True}

    # Avro keys and values.
    order_avsc = (SCHEMAS / "order.avsc").read_text()
    key_avsc = (SCHEMAS / "order_key.avsc").read_text()

    def avro(schema_text, to_input, subject):
        made = {}
        for carrier, ids, _ in CARRIERS:
            s = AvroSerializer(client, schema_text, conf={**common, "schema.id.serializer": ids})
            made[carrier] = (lambda s: lambda value, ctx: s(to_input(value), ctx))(s)
        return made, subject
    value_set, value_subject = avro(order_avsc, avro_input, "orders-value")
    key_set, key_subject = avro(key_avsc, dict, "orders-key")
    event, expected = load("avro_keyed")
    # Register first, so the ids are known before the expected file names them.
    warm = SerializationContext("orders", MessageField.VALUE, [])
    value_set["id-prefix"](expected["records"][0]["value"], warm)
    key_set["id-prefix"](expected["records"][0]["key"], SerializationContext("orders", MessageField.KEY, []))
    value_set["id_text"] = ids_of(value_subject, client)
    key_set["id_text"] = ids_of(key_subject, client)
    event, expected = rewrite(
        event, expected, {"key": key_set, "value": value_set}, "avro_confluent_ids",
        "Avro keys (OrderKey) and values written by confluent-kafka 2.16.1 with a mock registry; "
        "the schema id in a record header (GUID), as a GUID prefix, or as the classic id prefix, in turn.",
    )
    expected["key_format"] = "avro"
    write("avro_confluent_ids", event, expected)

    # JSON values with the vectors' JSON Schema.
    json_schema = (SCHEMAS / "order.schema.json").read_text()
    json_set = {}
    for carrier, ids, _ in CARRIERS:
        s = JSONSerializer(json_schema, client, conf={**common, "schema.id.serializer": ids})
        json_set[carrier] = (lambda s: lambda value, ctx: s(value, ctx))(s)
    # Each format on a topic of its own, so that each has its own subject.
    event, expected = rewrite_topic(*load("json_plain"), "orders-json")
    json_set["id-prefix"](expected["records"][0]["value"], SerializationContext("orders-json", MessageField.VALUE, []))
    json_set["id_text"] = ids_of("orders-json-value", client)
    event, expected = rewrite(
        event, expected, {"value": json_set}, "json_confluent_ids",
        "JSON values written by confluent-kafka 2.16.1's JSONSerializer with a mock registry; "
        "the schema id in a record header (GUID), as a GUID prefix, or as the classic id prefix, in turn.",
    )
    write("json_confluent_ids", event, expected)

    # Protobuf values, message orders.v1.Order.
    order_pb2 = compile_order_proto()
    proto_set = {}
    for carrier, ids, _ in CARRIERS:
        s = ProtobufSerializer(order_pb2.Order, client, conf={**common, "use.deprecated.format": False, "schema.id.serializer": ids})
        proto_set[carrier] = (lambda s: lambda value, ctx: s(json_format.ParseDict(value, order_pb2.Order()), ctx))(s)
    event, expected = rewrite_topic(*load("protobuf_raw"), "orders-proto")
    proto_set["id-prefix"](expected["records"][0]["value"], SerializationContext("orders-proto", MessageField.VALUE, []))
    proto_set["id_text"] = ids_of("orders-proto-value", client)
    event, expected = rewrite(
        event, expected, {"value": proto_set}, "protobuf_confluent_ids",
        "Protobuf values (orders.v1.Order) written by confluent-kafka 2.16.1's ProtobufSerializer with a "
        "mock registry; the schema id (and message index) in a record header (GUID), as a GUID prefix, or "
        "as the classic id prefix, in turn.",
    )
    write("protobuf_confluent_ids", event, expected)

    # What the registry holds.
    registry = registry_entries(client)
    out = HERE.parent / "registry"
    out.mkdir(exist_ok=True)
    (out / "confluent.json").write_text(json.dumps(registry, indent=1) + "\n")


def rewrite_topic(event, expected, topic):
    """The same records under another topic (so that each format has its own subject)."""
    event = copy.deepcopy(event)
    expected = copy.deepcopy(expected)
    groups = {}
    for name, records in event["records"].items():
        partition = name.rsplit("-", 1)[1]
        for record in records:
            record["topic"] = topic
        groups[f"{topic}-{partition}"] = records
    event["records"] = groups
    for record in expected["records"]:
        record["topic"] = topic
    return event, expected


if __name__ == "__main__":
    main()
