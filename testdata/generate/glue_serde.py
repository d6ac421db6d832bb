"""Writes Avro records with the AWS Glue Schema Registry's own Python SerDe
(aws-glue-schema-registry 1.1.3) against a Glue endpoint (moto's server in the tests),
and prints them as JSON: the schema version each names, its base64 payload, and the
decoding expected of it (the values of the `avro_raw` vector).

    pip install aws-glue-schema-registry kafka-python "moto[server]"
    python3 testdata/generate/glue_serde.py http://127.0.0.1:PORT REGISTRY [COUNT]

The versions the SerDe registers are the server's own (random per server), so the bytes
are made against the server the test runs.
"""

import base64
import json
import pathlib
import sys

import boto3
from aws_schema_registry import SchemaRegistryClient
from aws_schema_registry.adapter.kafka import KafkaSerializer
from aws_schema_registry.avro import AvroSchema

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "vectors"


def main():
    endpoint, registry = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    glue = boto3.client(
        "glue",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    glue.create_registry(RegistryName=registry)
    client = SchemaRegistryClient(glue, registry_name=registry, wait_interval_seconds=0.1)
    serializer = KafkaSerializer(client)
    schema = AvroSchema((VECTORS / "schemas" / "order.avsc").read_text())
    expected = json.loads((VECTORS / "avro_raw.expected.json").read_text())["records"][:count]
    out = []
    for record in expected:
        value = dict(record["value"])
        value["checksum"] = base64.b64decode(value["checksum"])
        data = serializer.serialize("orders", (value, schema))
        out.append({
            "version": str(__import__("uuid").UUID(bytes=data[2:18])),
            "value": base64.b64encode(data).decode(),
            "expected": record["value"],
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
