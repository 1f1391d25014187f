package dev.halp.job.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The project's Kafka broker ({@code halp broker}) in a JVM of its own, on a free port with a fresh data
 * directory: a bench that counts its own process's CPU time then does not count the broker's.
 */
final class ChildBroker implements AutoCloseable {

    private final Process process;
    private final Path data;
    private final String bootstrap;

    private ChildBroker(Process process, Path data, String bootstrap) {
        this.process = process;
        this.data = data;
        this.bootstrap = bootstrap;
    }

    static ChildBroker start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("halp-bench-kafka");
        Path log = data.resolve("broker.out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.halp.job.cli.Halp", "broker",
                "--port", Integer.toString(port), "--data", data.resolve("kafka").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.readString(log).contains("kafka broker on")) {
            if (!p.isAlive() || System.nanoTime() > until) {
                p.destroyForcibly();
                throw new IOException("the broker did not start; its output:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return new ChildBroker(p, data, "127.0.0.1:" + port);
    }

    String bootstrapServers() {
        return bootstrap;
    }

    void createTopics(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> existing = new ArrayList<>(admin.listTopics().names().get());
            admin.createTopics(topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
