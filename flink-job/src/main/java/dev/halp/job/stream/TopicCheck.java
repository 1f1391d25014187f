package dev.halp.job.stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Before a job is submitted: does its broker answer, and does it hold every topic the job will use? A
 * missing topic otherwise shows only once the job runs, as a sink that retries "unknown topic" forever.
 * Brokers that create topics on first use ({@code auto.create.topics.enable}) pass without them.
 */
public final class TopicCheck {

    private static final long TIMEOUT_S = 10;

    private TopicCheck() {
    }

    /** Fails with {@link IllegalArgumentException} naming the option of the first missing topic. */
    public static void check(JobOptions o) {
        int timeoutMs = (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            if (createsTopics(admin)) {
                return;
            }
            for (Map.Entry<String, String> e : o.topicsInUse().entrySet()) {
                if (!existing.contains(e.getValue())) {
                    throw new IllegalArgumentException(e.getKey() + ": topic '" + e.getValue() + "' does not exist on "
                            + o.bootstrap + ", which does not create topics on first use: create it (bin/halp broker "
                            + "--topics, kafka-topics.sh --create) or name an existing one");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("--bootstrap: interrupted while asking " + o.bootstrap + " for its topics");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | org.apache.kafka.common.KafkaException e) {
            throw new IllegalArgumentException("--bootstrap: no Kafka broker answered at " + o.bootstrap + " within "
                    + TIMEOUT_S + " s (" + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
        }
    }

    private static boolean createsTopics(Admin admin) throws InterruptedException,
            java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        List<Node> nodes = List.copyOf(admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS));
        if (nodes.isEmpty()) {
            return false;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.get(0).idString());
        Config config = admin.describeConfigs(List.of(broker)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(broker);
        ConfigEntry auto = config.get("auto.create.topics.enable");
        return auto != null && Boolean.parseBoolean(auto.value());
    }
}
