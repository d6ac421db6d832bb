"""An OTLP/HTTP receiver for the traces test: accepts `POST /v1/traces` with a protobuf
`ExportTraceServiceRequest` (opentelemetry-proto's own message) and appends each span to
a file as one JSON line.

    python3 otlp_sink.py PORT OUT_FILE

Each line: trace_id, span_id, parent_span_id (hex), name, kind (the OTLP enum's number),
status (code), attributes (name: value), links ([trace_id, span_id] pairs), service (the
resource's service.name).
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


def value_of(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def attributes(pairs):
    return {kv.key: value_of(kv.value) for kv in pairs}


class Sink(BaseHTTPRequestHandler):
    out = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces":
            self.send_response(404)
            self.end_headers()
            return
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        lines = []
        for resource_spans in request.resource_spans:
            service = attributes(resource_spans.resource.attributes).get("service.name")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": span.kind,
                        "status": span.status.code,
                        "attributes": attributes(span.attributes),
                        "links": [[l.trace_id.hex(), l.span_id.hex()] for l in span.links],
                        "service": service,
                    }))
        with open(Sink.out, "a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    port, Sink.out = int(sys.argv[1]), sys.argv[2]
    open(Sink.out, "w").close()
    ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()


if __name__ == "__main__":
    main()
