"""Writes orders-msgpack.json: a Lambda Kafka event whose values Python's msgpack packed
(pip install msgpack; python3 make_event.py)."""
import base64
import json

import msgpack

orders = [
    {"order_id": "ORD-1", "quantity": 3, "total": 29.97, "tags": ["gift"]},
    {"order_id": "ORD-2", "quantity": 1, "total": 5.0, "tags": []},
]
values = [msgpack.packb(order) for order in orders]
values.append(values[0][:-3])  # cut short
values.append(values[1] + b"\xc0")  # a nil after the value
records = [
    {
        "topic": "orders",
        "partition": 0,
        "offset": i,
        "timestamp": 1700000000000 + i,
        "timestampType": "CREATE_TIME",
        "key": base64.b64encode(b"customer-%d" % i).decode(),
        "value": base64.b64encode(value).decode(),
        "headers": [],
    }
    for i, value in enumerate(values)
]
event = {
    "eventSource": "SelfManagedKafka",
    "bootstrapServers": "localhost:9092",
    "records": {"orders-0": records},
}
with open("orders-msgpack.json", "w") as out:
    out.write(json.dumps(event, indent=1) + "\n")
