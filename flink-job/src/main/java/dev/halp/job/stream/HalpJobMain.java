package dev.halp.job.stream;

import dev.halp.operators.cnn.DjlEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/**
 * The job jar's entry point for {@code flink run} and the dashboard's Submit New Job page: program arguments
 * are the job options ({@code --bootstrap host:9092 --scheme halp ...}). Bad options, an unreachable broker
 * or a missing topic fail before the job is submitted, naming the option.
 */
public final class HalpJobMain {

    private HalpJobMain() {
    }

    public static void main(String[] args) throws Exception {
        DjlEnvironment.ensureOffline();
        JobOptions o = new JobOptions();
        new CommandLine(o).parseArgs(args);
        if (o.bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap: required when the job is submitted to a cluster");
        }
        o.validate();
        TopicCheck.check(o);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.configure(env, o);
        StreamingJob.attachKafka(env, o);
        env.execute("HALP " + o.scheme + " " + o.model + " on " + o.secondaries + " secondaries");
    }
}
