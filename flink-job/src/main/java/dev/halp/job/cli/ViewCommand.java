package dev.halp.job.cli;

import dev.halp.job.view.ViewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The live view: per-camera health and every frame's timeline in the browser, read from the job's topics. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = "Live view: a web page with a tile per camera, the edge servers and each frame's timeline.")
final class ViewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "(default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--results-topic", defaultValue = "results", description = "the job's results and misses "
            + "(default: ${DEFAULT-VALUE})")
    String resultsTopic;

    @Option(names = "--camera-stats-topic", defaultValue = "camera-stats", description = "(default: ${DEFAULT-VALUE})")
    String statsTopic;

    @Option(names = "--from", defaultValue = "earliest", description = "earliest (what the topics hold, the last "
            + "200 frames of each camera kept) or latest (from now on) (default: ${DEFAULT-VALUE})")
    String from;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to serve on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8088", description = "(default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw Options.bad(spec, "--port", "not a port: " + port);
        }
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw Options.bad(spec, "--from", "must be earliest or latest, got '" + from + "'");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (ViewServer view = ViewServer.start(bootstrap, resultsTopic, statsTopic, from, host, port)) {
            spec.commandLine().getOut().println("live view on http://" + host + ":" + view.port() + "/ (results from "
                    + bootstrap + "); Ctrl-C stops it");
            spec.commandLine().getOut().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
