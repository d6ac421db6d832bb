"""Produces the end-to-end test's records to a real broker with confluent-kafka's own
producer and serializers (JSON Schema, Avro and Protobuf) and an in-process (mock://)
registry, then writes what the function should see.

    python3 produce.py BOOTSTRAP OUT_DIR FORMAT [COUNT]

FORMAT is json, avro, protobuf or plain. For the first three, each record's schema id
travels one of three ways, in turn: the classic 0x00 + id prefix, a
`__key_schema_id` / `__value_schema_id` header (0x01 + GUID), or a 0x01 + GUID prefix;
every record has a key and two headers. json also gets one poison record, a value that
is no JSON. plain writes COUNT small JSON values with keys, for the restart test; kinds
writes COUNT JSON values whose `kind` is order, refund and note in turn, and text COUNT
text values, every third starting with ERROR, the others with INFO (the filter tests);
bisect COUNT JSON values, the 38th of which is not JSON (the bisection test).

Written to OUT_DIR:
- `expected-FORMAT.json`: per record, its topic, partition, offset, and the key and
  value as the function logs them decoded (and `poison`, the poison record's place);
- `registry-FORMAT.json`: what the registry holds, for a test server to answer with.
"""

import base64
import json
import pathlib
import sys

from confluent_kafka import Producer
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

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "testdata" / "generate"))
from confluent_ids import compile_order_proto, registry_entries  # noqa: E402  (the vectors' own)

VECTORS = ROOT / "testdata" / "vectors"
SCHEMAS = VECTORS / "schemas"
PARTITIONS = 2
KINDS = ["order", "refund", "note"]
# The poison record of the bisect topic: the 38th.
BISECT_POISON = 37


def guid_prefix_serializer(payload, ctx, schema_id):
    """The v1 payload prefix: 0x01, the GUID, [message indexes], then the payload."""
    return schema_id.guid_to_bytes() + payload


CARRIERS = [prefix_schema_id_serializer, header_schema_id_serializer, guid_prefix_serializer]


def expected_records(name):
    return json.loads((VECTORS / f"{name}.expected.json").read_text())["records"]


def main():
    bootstrap, out_dir, fmt = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    topic = f"orders-{fmt}"
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    client = SchemaRegistryClient.new_client({"url": f"mock://{fmt}"})
    common = {"auto.register.schemas": True}
    placed = []

    def delivered(err, msg):
        if err is not None:
            raise SystemExit(f"not delivered: {err}")
        placed.append((msg.partition(), msg.offset()))

    records = []  # (key bytes, value bytes, headers, expected key, expected value)
    if fmt == "plain":
        for i in range(count):
            value = {"n": i}
            records.append((f"k{i}".encode(), json.dumps(value).encode(), [("n", str(i).encode())], f"k{i}", value))
    elif fmt == "kinds":
        for i in range(count):
            value = {"n": i, "kind": KINDS[i % 3]}
            records.append((f"k{i}".encode(), json.dumps(value).encode(), [], f"k{i}", value))
    elif fmt == "bisect":
        for i in range(count):
            value = b"{not json" if i == BISECT_POISON else json.dumps({"n": i}).encode()
            records.append((f"k{i}".encode(), value, [], f"k{i}", {"n": i}))
    elif fmt == "text":
        for i in range(count):
            value = f"{'ERROR' if i % 3 == 0 else 'INFO'} line {i}"
            records.append((f"k{i}".encode(), value.encode(), [], f"k{i}", value))
    else:
        if fmt == "avro":
            wanted = expected_records("avro_keyed")
            order = (SCHEMAS / "order.avsc").read_text()
            order_key = (SCHEMAS / "order_key.avsc").read_text()
            values = [AvroSerializer(client, order, conf={**common, "schema.id.serializer": c}) for c in CARRIERS]
            keys = [AvroSerializer(client, order_key, conf={**common, "schema.id.serializer": c}) for c in CARRIERS]

            def to_value(v):
                v = dict(v)
                v["checksum"] = base64.b64decode(v["checksum"])
                return v
        elif fmt == "json":
            wanted = expected_records("json_plain")
            schema = (SCHEMAS / "order.schema.json").read_text()
            values = [JSONSerializer(schema, client, conf={**common, "schema.id.serializer": c}) for c in CARRIERS]
            keys = None
            to_value = dict
        elif fmt == "protobuf":
            wanted = expected_records("protobuf_raw")
            order_pb2 = compile_order_proto()
            values = [
                ProtobufSerializer(order_pb2.Order, client,
                                   conf={**common, "use.deprecated.format": False, "schema.id.serializer": c})
                for c in CARRIERS
            ]
            keys = None

            def to_value(v):
                return json_format.ParseDict(v, order_pb2.Order())

            # The function prints Protobuf in the canonical proto3 JSON mapping, as
            # protobuf's own json_format writes it.
            wanted = [
                {**w, "value": json_format.MessageToDict(to_value(w["value"]))} for w in wanted
            ]
        else:
            raise SystemExit(f"unknown format {fmt}")
        for i in range(12):
            want = wanted[i % len(wanted)]
            carrier = i % len(CARRIERS)
            headers = [("correlation-id", f"c-{i}".encode()), ("source", b"e2e")]
            value = values[carrier](to_value(want["value"]), SerializationContext(topic, MessageField.VALUE, headers))
            if keys is not None:
                key = keys[carrier](want["key"], SerializationContext(topic, MessageField.KEY, headers))
                key_seen = want["key"]
            else:
                key_seen = f"order-{i}"
                key = key_seen.encode()
            records.append((key, value, headers, key_seen, want["value"]))
    for i, (key, value, headers, _, _) in enumerate(records):
        # The bisect topic has one partition, so that its batches are one partition's.
        partition = 0 if fmt == "bisect" else i % PARTITIONS
        producer.produce(topic, key=key, value=value, headers=headers, partition=partition,
                         on_delivery=delivered)
        producer.flush(30)
    poison = None
    if fmt == "json":
        producer.produce(topic, key=b"poison", value=b"{not json", partition=1, on_delivery=delivered)
        producer.flush(30)
        poison = {"topic": topic, "partition": placed[-1][0], "offset": placed[-1][1]}
    expected = [
        {"topic": topic, "partition": p, "offset": o, "key": key_seen, "value": value_seen}
        for (p, o), (_, _, _, key_seen, value_seen) in zip(placed, records)
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"expected-{fmt}.json").write_text(json.dumps({"records": expected, "poison": poison}))
    (out_dir / f"registry-{fmt}.json").write_text(json.dumps(registry_entries(client) if fmt != "plain" else []))


if __name__ == "__main__":
    main()
