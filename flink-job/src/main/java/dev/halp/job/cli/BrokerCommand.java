package dev.halp.job.cli;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** A local Kafka broker (KRaft) from the Maven jars, until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Start a local Kafka broker (KRaft).")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "local address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "9092", description = "listener port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data", defaultValue = "target/kafka-data", description = "data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--topics", split = ",", defaultValue = "frames,results,dead-letters,halp-feedback,camera-stats",
            description = "topics to create (default: ${DEFAULT-VALUE})")
    List<String> topics;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw Options.bad(spec, "--port", "not a port: " + port);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.at(host, port, data).start()) {
            broker.createTopics(1, topics.toArray(new String[0]));
            spec.commandLine().getOut().println("kafka broker on " + broker.bootstrapServers() + ", data in " + data
                    + ", topics " + topics + "; Ctrl-C stops it");
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
