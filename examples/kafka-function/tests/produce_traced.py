"""Produces the traces test's records as an instrumented producer does: each record is
sent inside a PRODUCER span of the OpenTelemetry Python SDK, whose context the
propagator writes into the record's headers (the propagator's `inject` on confluent-kafka
headers, as `opentelemetry.propagate.inject` does with the default one). Most records carry W3C `traceparent`; every third carries B3 multiple headers
(`X-B3-TraceId`, ...) from the B3 propagator instead. One record's value is not JSON.

    python3 produce_traced.py BOOTSTRAP TOPIC OUT_FILE COUNT

OUT_FILE gets one JSON object: `records`, each with partition, offset, the producer
span's trace_id and span_id (hex), its carrier and whether it is the poison record.
"""

import json
import sys

from confluent_kafka import Producer
from opentelemetry import trace
from opentelemetry.propagators.b3 import B3MultiFormat
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

POISON = 4


def main():
    bootstrap, topic, out, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    trace.set_tracer_provider(TracerProvider())
    tracer = trace.get_tracer("orders-producer")
    producer = Producer({"bootstrap.servers": bootstrap})
    records = []

    def delivered(record):
        def report(error, message):
            if error is not None:
                raise SystemExit(f"not delivered: {error}")
            record["partition"] = message.partition()
            record["offset"] = message.offset()
        return report

    for n in range(count):
        with tracer.start_as_current_span(f"send {topic}", kind=trace.SpanKind.PRODUCER) as span:
            carrier = {}
            if n % 3 == 2:
                B3MultiFormat().inject(carrier)
                name = "b3multi"
            else:
                TraceContextTextMapPropagator().inject(carrier)
                name = "tracecontext"
            context = span.get_span_context()
            record = {
                "trace_id": format(context.trace_id, "032x"),
                "span_id": format(context.span_id, "016x"),
                "carrier": name,
                "poison": n == POISON,
            }
            value = b"{not json" if n == POISON else json.dumps({"id": n}).encode()
            producer.produce(
                topic,
                key=f"customer-{n % 2}".encode(),
                value=value,
                headers=[(k, v.encode()) for k, v in carrier.items()],
                on_delivery=delivered(record),
            )
            records.append(record)
    if producer.flush(30) != 0:
        raise SystemExit("records left unsent")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"records": records}, f)


if __name__ == "__main__":
    main()
