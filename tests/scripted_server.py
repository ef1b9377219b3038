"""An OpenAI-compatible test server on 127.0.0.1 that answers from a script, one behaviour per request."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NEE = {"verdict": "not_enough_evidence", "rationale": "Unclear.", "confidence": 0.3, "citations": []}


class ScriptedServer:
    """Each request takes the next behaviour: a dict (answered as JSON content), 'malformed', 429, 500,
    'slow', 'huge' (a 5 MB reply), 'html' (a 200 with an HTML page, as a proxy or a wrong URL gives), or a body
    of the wrong shape: 'notjson' (application/json that is not JSON), 'choicesstr' ({"choices": "oops"}),
    'contentlist' (a message whose content is a list)."""

    def __init__(self):
        self.script, self.requests = [], []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                step = server.script.pop(0) if server.script else NEE
                if step in (429, 500):
                    self.send_response(step)
                    if step == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps({"error": {"message": f"scripted {step}"}}).encode())
                    return
                if step == "html":
                    page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                if step in ("notjson", "choicesstr"):
                    data = b"this is not json" if step == "notjson" else b'{"choices": "oops"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if step == "huge":
                    step = {**NEE, "rationale": "x" * 5_000_000}
                if step == "slow":
                    time.sleep(1.5)
                    step = NEE
                content = "{'verdict': oops" if step == "malformed" else json.dumps(step)
                if step == "contentlist":
                    content = [{"type": "text", "text": "{}"}]
                payload = {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
