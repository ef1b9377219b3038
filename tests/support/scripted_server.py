"""An OpenAI-compatible test server on 127.0.0.1 that answers from a script, one behaviour per request."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NEE = {"verdict": "not_enough_evidence", "rationale": "Unclear.", "confidence": 0.3, "citations": []}


def _completion(body, content, usage):
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
        ],
        "usage": usage,
    }


class ScriptedServer:
    """Each request takes the next behaviour: a dict (answered as JSON content), 'malformed', 429, 500,
    'slow', 'huge' (a 5 MB reply), 'html' (a 200 with an HTML page, as a proxy or a wrong URL gives), or a body
    of the wrong shape: 'notjson' (application/json that is not JSON), 'choicesstr' ({"choices": "oops"}),
    'contentlist' (a message whose content is a list), 'trickle' (a valid body, a byte every 0.5 s),
    'gzipbomb' (400 MB of gzip-compressed spaces in 0.4 MB). `usage` is what every reply reports as usage."""

    def __init__(self):
        self.script, self.requests = [], []
        self.usage = {
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "total_tokens": 120,
        }  # what replies report
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
                if step == "gzipbomb":  # 400 MB of spaces in about 0.4 MB, compressed a megabyte at a time
                    import zlib

                    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
                    data = b"".join(packer.compress(b" " * 1_000_000) for _ in range(400)) + packer.flush()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if step == "trickle":  # a valid body, one byte every 0.5 s
                    data = json.dumps(_completion(body, json.dumps(NEE), server.usage)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    for index in range(len(data)):
                        try:
                            self.wfile.write(data[index : index + 1])
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.5)
                    return
                if step == "huge":
                    step = {**NEE, "rationale": "x" * 5_000_000}
                if step == "slow":
                    time.sleep(1.5)
                    step = NEE
                content = "{'verdict': oops" if step == "malformed" else json.dumps(step)
                if step == "contentlist":
                    content = [{"type": "text", "text": "{}"}]
                data = json.dumps(_completion(body, content, server.usage)).encode()
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
