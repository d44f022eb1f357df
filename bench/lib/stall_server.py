"""A DTR that accepts TCP connections and never answers (figure 7, overload: issue 14's goal 1).

It reads and drops whatever a client sends (a TLS ClientHello, which it never answers), closes a
connection when the client closes it, and exits by itself after LIFETIME seconds, printing how
many connections it accepted and how many were open at once at the most.
Usage: stall_server.py PORT LIFETIME_SECONDS
"""
import selectors, signal, socket, sys, time

port, lifetime = int(sys.argv[1]), float(sys.argv[2])
listener = socket.create_server(("127.0.0.1", port), backlog=4096)
listener.setblocking(False)
selector = selectors.DefaultSelector()
selector.register(listener, selectors.EVENT_READ)
accepted = open_max = 0
end = time.monotonic() + lifetime
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # bench/run stops it: print the counts all the same
print("stall server on 127.0.0.1:%d for %.0f s" % (port, lifetime), flush=True)


def serve():
    global accepted, open_max
    while (left := end - time.monotonic()) > 0:
        for key, _ in selector.select(timeout=min(left, 1.0)):
            sock = key.fileobj
            if sock is listener:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    continue
                conn.setblocking(False)
                selector.register(conn, selectors.EVENT_READ)
                accepted += 1
                open_max = max(open_max, len(selector.get_map()) - 1)
                continue
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                selector.unregister(sock)
                sock.close()


try:
    serve()
finally:
    print("accepted=%d open_max=%d" % (accepted, open_max), flush=True)
