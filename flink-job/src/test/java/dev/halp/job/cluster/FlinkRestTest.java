package dev.halp.job.cluster;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FlinkRest} against a local HTTP server answering as Flink 2.2's REST API does. */
class FlinkRestTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private FlinkRest serving(String path, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new FlinkRest("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void theLatestFailureNamesTheTaskTheExceptionOurFramesAndItsRootCause() throws Exception {
        String trace = "org.apache.flink.runtime.JobException: Recovery is suppressed\\n"
                + "\\tat org.apache.flink.runtime.executiongraph.failover.Handler.handle(Handler.java:1)\\n"
                + "\\tat dev.halp.operators.flink.BlockStage.open(BlockStage.java:90)\\n"
                + "Caused by: java.lang.OutOfMemoryError: Direct buffer memory\\n"
                + "\\tat java.base/java.nio.Bits.reserveMemory(Bits.java:175)\\n";
        FlinkRest rest = serving("/jobs/j1/exceptions", "{\"exceptionHistory\":{\"entries\":[{\"exceptionName\":"
                + "\"org.apache.flink.runtime.JobException\",\"stacktrace\":\"" + trace + "\",\"taskName\":\"block 2 (1/3)\","
                + "\"timestamp\":1}],\"truncated\":false}}");
        Optional<String> failure = rest.latestFailure("j1");
        assertTrue(failure.isPresent());
        String f = failure.get();
        assertTrue(f.startsWith("org.apache.flink.runtime.JobException in block 2 (1/3)"), f);
        assertTrue(f.contains("BlockStage.open"), "our own frames are kept: " + f);
        assertFalse(f.contains("Handler.handle"), "Flink's frames are left out: " + f);
        assertTrue(f.contains("Caused by: java.lang.OutOfMemoryError: Direct buffer memory"), f);
    }

    @Test
    void aJobThatNeverFailedHasNoLatestFailure() throws Exception {
        FlinkRest rest = serving("/jobs/j2/exceptions", "{\"exceptionHistory\":{\"entries\":[],\"truncated\":false}}");
        assertEquals(Optional.empty(), rest.latestFailure("j2"));
    }
}
