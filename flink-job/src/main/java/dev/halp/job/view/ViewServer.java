package dev.halp.job.view;

import dev.halp.kafka.record.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code bin/halp view}: a small web server (Jetty) over a {@link FrameStore} that a {@link ViewFeed} fills. Serves
 * the page ({@code /}), its script and uPlot from the classpath (a WebJar: nothing comes from a CDN),
 * {@code /api/summary} and {@code /api/frames?camera=ID&last=K}; a bad query gets a 4xx with a message.
 */
public final class ViewServer implements AutoCloseable {

    /** The most frames one {@code /api/frames} call returns. */
    static final int MAX_LAST = FrameStore.PER_CAMERA;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/";
    /** Path to classpath resource and content type. */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"dev/halp/job/view/index.html", "text/html; charset=utf-8"},
            "/view.js", new String[] {"dev/halp/job/view/view.js", "text/javascript; charset=utf-8"},
            "/uplot/uPlot.iife.min.js", new String[] {UPLOT + "dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/uplot/uPlot.min.css", new String[] {UPLOT + "dist/uPlot.min.css", "text/css; charset=utf-8"},
            "/uplot/LICENSE", new String[] {UPLOT + "LICENSE", "text/plain; charset=utf-8"});

    private final Server server;
    private final FrameStore store;
    private final ViewFeed feed;

    private ViewServer(Server server, FrameStore store, ViewFeed feed) {
        this.server = server;
        this.store = store;
        this.feed = feed;
    }

    /**
     * Starts reading {@code resultsTopic} and {@code statsTopic} (from {@code startFrom}: earliest or latest) and
     * serving on {@code host:port} (0: any free port).
     */
    public static ViewServer start(String bootstrap, String resultsTopic, String statsTopic, String startFrom,
                                   String host, int port) throws Exception {
        FrameStore store = new FrameStore();
        ViewFeed feed = new ViewFeed(bootstrap, resultsTopic, statsTopic, startFrom, store).start();
        Server server = new Server(new InetSocketAddress(host, port));
        ViewServer view = new ViewServer(server, store, feed);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return view.handle(request, response, callback);
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            feed.close();
            throw new IOException("cannot serve the view on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return view;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    private boolean handle(Request request, Response response, Callback callback) throws IOException {
        String path = Request.getPathInContext(request);
        if (path.equals("/api/summary")) {
            json(response, callback, 200, Summary.of(store));
        } else if (path.equals("/api/frames")) {
            frames(Request.extractQueryParameters(request), response, callback);
        } else if (STATIC.containsKey(path)) {
            String[] r = STATIC.get(path);
            try (InputStream in = ViewServer.class.getClassLoader().getResourceAsStream(r[0])) {
                if (in == null) {
                    json(response, callback, 500, Map.of("error", "missing resource " + r[0]));
                    return true;
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, r[1]);
                response.write(true, ByteBuffer.wrap(in.readAllBytes()), callback);
            }
        } else {
            json(response, callback, 404, Map.of("error", "no such page: " + path));
        }
        return true;
    }

    private void frames(Fields query, Response response, Callback callback) {
        String camera = query.getValue("camera");
        String last = query.getValue("last");
        int k;
        try {
            k = last == null ? 10 : Integer.parseInt(last);
        } catch (NumberFormatException e) {
            json(response, callback, 400, Map.of("error", "last must be a whole number, got '" + last + "'"));
            return;
        }
        if (k < 1 || k > MAX_LAST) {
            json(response, callback, 400, Map.of("error", "last must be 1.." + MAX_LAST + " (the view keeps the last "
                    + FrameStore.PER_CAMERA + " frames of each camera), got " + k));
            return;
        }
        if (camera != null && !store.knows(camera)) {
            json(response, callback, 404, Map.of("error", "unknown camera '" + camera + "'"));
            return;
        }
        json(response, callback, 200, store.last(camera, k));
    }

    private static void json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, Json.write(body), callback);
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            feed.close();
        }
    }
}
