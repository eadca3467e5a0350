"""What every test server here shares: a threaded HTTP server on 127.0.0.1,
its port published atomically, and a lifetime it never outlives."""
import http.server, os, socketserver, threading


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(srv, port_file, lifetime, stop=lambda: os._exit(0)):
    """Writes srv's port to port_file (last, whole: a reader that sees it can
    connect), then serves until stop() runs after lifetime seconds (never
    outlive a test that forgot to stop us)."""
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, port_file)
    threading.Timer(lifetime, stop).start()
    srv.serve_forever()
