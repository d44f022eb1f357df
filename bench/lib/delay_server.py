"""A DTR that answers every API call after a fixed delay, over TLS with Basic auth.

nginx cannot delay a response, so item 2 of the benchmark (are the two calls of a probe parallel?)
uses this. Usage: delay_server.py PORT CERT KEY FIXTURE_DIR DELAY_SECONDS USER PASSWORD TLS_VERSION (1.2, 1.3)
"""
import base64, os, ssl, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, cert, key, fixtures, delay, user, password, tls_version = sys.argv[1:9]
delay = float(delay)
BODIES = {
    "/api/v0/meta/cluster_status": open(os.path.join(fixtures, "cluster_status-healthy.json"), "rb").read(),
    "/api/v0/jobs": open(os.path.join(fixtures, "jobs.json"), "rb").read(),
}
EXPECTED = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a DTR
    # like DTR's nginx (tcp_nodelay on): without it the body waits for the ACK of the headers, which
    # the client delays by 40 ms, and the figure would measure Nagle's algorithm instead of the exporter
    disable_nagle_algorithm = True

    def do_GET(self):
        time.sleep(delay)
        body = BODIES.get(self.path.split("?", 1)[0])
        if self.headers.get("Authorization") != EXPECTED:
            status, body = 401, b'{"errors":[{"code":"NOT_AUTHENTICATED","message":"The client is not authenticated."}]}'
        elif body is None:
            status, body = 404, b'{"errors":[]}'
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Replica-ID", "378171528545")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self):
        sock, addr = super().get_request()
        # handshake in the connection's own thread, not the accepting one
        return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.minimum_version = context.maximum_version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[tls_version]
context.load_cert_chain(cert, key)
server = Server(("127.0.0.1", int(port)), Handler)
print("delay server on 127.0.0.1:%s, %.3fs per call" % (port, delay), flush=True)
server.serve_forever()
