"""Cold start of the Python Powertools Kafka consumer: from the interpreter's start,
imports, the JSON event read and parsed (as Lambda's runtime parses it), and every key and
value of the batch decoded once. Prints `decoded N` when done; `cargo xtask bench-peers`
times the process from its spawn to that line."""

import json
import sys

from aws_lambda_powertools.utilities.kafka import ConsumerRecords, SchemaConfig, kafka_consumer


@kafka_consumer(schema_config=SchemaConfig(value_schema_type="JSON"))
def handler(event: ConsumerRecords, _context):
    count = 0
    for record in event.records:
        _ = record.key
        if record.value is not None:
            count += 1
    return count


with open(sys.argv[1], encoding="utf-8") as file:
    batch = json.load(file)
print(f"decoded {handler(batch, None)}", flush=True)
