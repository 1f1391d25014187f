package dev.halp.kafka.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A real Kafka broker (KRaft, combined broker and controller) started in this JVM from the Maven jars:
 * for {@code bin/halp broker}, the embedded demo, the standalone cluster and the tests. Listens on one local
 * address: 127.0.0.1 unless told otherwise (the cluster's network-namespace bridge).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The largest record this broker takes (and the camera simulator and the job's sinks may send): 32 MB. */
    public static final int MAX_RECORD_BYTES = 32 * 1024 * 1024;


    private final String host;
    private final int port;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(String host, int port, Path dataDir, boolean deleteOnClose) {
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** A broker on a free port with a temporary data directory that is deleted on close. */
    public static EmbeddedKafkaBroker forTests() {
        try {
            return new EmbeddedKafkaBroker("127.0.0.1", freePort(), Files.createTempDirectory("halp-kafka"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A broker on {@code port} keeping its data in {@code dataDir}; {@code port} 0 picks a free port. */
    public static EmbeddedKafkaBroker at(int port, Path dataDir) {
        return at("127.0.0.1", port, dataDir);
    }

    /** A broker listening on the local address {@code host}. */
    public static EmbeddedKafkaBroker at(String host, int port, Path dataDir) {
        return new EmbeddedKafkaBroker(host, port == 0 ? freePort() : port, dataDir, false);
    }

    public EmbeddedKafkaBroker start() {
        try {
            Files.createDirectories(dataDir);
            int controllerPort = freePort();
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", dataDir.resolve("logs").toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("num.partitions", "1");
            props.put("auto.create.topics.enable", "false");
            // a raw 720p frame is 2.8 MB; Kafka's default limit (1 MB) would refuse every frame above 590x590
            props.put("message.max.bytes", Integer.toString(MAX_RECORD_BYTES));
            props.put("replica.fetch.max.bytes", Integer.toString(MAX_RECORD_BYTES));
            Path config = dataDir.resolve("server.properties");
            try (var w = Files.newBufferedWriter(config)) {
                props.store(w, "written by EmbeddedKafkaBroker");
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                        config.toString(), "--ignore-formatted"}, new PrintStream(log, true, StandardCharsets.UTF_8));
                if (rc != 0) {
                    throw new IllegalStateException("kafka storage format failed: " + log);
                }
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** Creates topics (if missing) and waits until every partition has a leader. */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            try {
                admin.createTopics(list).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics", e.getCause());
                }
            }
            long deadline = System.currentTimeMillis() + 30_000;
            for (String t : topics) {
                while (true) {
                    try {
                        var d = admin.describeTopics(List.of(t)).allTopicNames().get().get(t);
                        if (d.partitions().stream().allMatch(p -> p.leader() != null)) {
                            break;
                        }
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                            throw new IllegalStateException("cannot describe topic " + t, e.getCause());
                        }
                    }
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("topic " + t + " has no leader after 30 s");
                    }
                    Thread.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temporary directory
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
