package dev.halp.job.stream;

import dev.halp.operators.flink.RowsMessage;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * One exchange between two TaskManagers, measured the way the job exchanges rows: a {@link RowsMessage} of a
 * given size leaves participant 0's slot, crosses to participant 1's slot (another TaskManager: each offers
 * one edge-server slot) and comes back, through Flink's network stack and serializers with the job's buffer
 * timeout. The message's {@code sequence} carries its send time in nanoseconds (the source and the last stage
 * share participant 0's JVM) and its {@code rowStart} the probe's index. Each probe's bytes, index and round-trip
 * milliseconds go to a Kafka topic as JSON.
 */
public final class HopJob {

    @Option(names = "--bootstrap", required = true)
    String bootstrap;
    @Option(names = "--topic", defaultValue = "hops")
    String topic;
    @Option(names = "--sizes-kb", split = ",", defaultValue = "16,256,1024,4096")
    List<Integer> sizesKb;
    @Option(names = "--messages", defaultValue = "30", description = "probes per size")
    int messages;
    @Option(names = "--interval-ms", defaultValue = "100", description = "time between probes (one in flight)")
    int intervalMs;
    @Option(names = "--buffer-timeout-ms", defaultValue = "0")
    long bufferTimeoutMs;
    @Option(names = "--slot-labels", description = "edge-server slots on labelled TaskManagers, as the job")
    boolean slotLabels;

    private HopJob() {
    }

    public static void main(String[] args) throws Exception {
        HopJob o = new HopJob();
        new CommandLine(o).parseArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setBufferTimeout(o.bufferTimeoutMs);
        Placement place = new Placement(o.slotLabels);
        long count = (long) o.messages * o.sizesKb.size();
        int[] sizes = o.sizesKb.stream().mapToInt(kb -> kb * 1024).toArray();
        // sizes interleaved, so that warming up and drift touch every size alike
        GeneratorFunction<Long, RowsMessage> probe = i -> probe(sizes[(int) (i % sizes.length)], i);
        SingleOutputStreamOperator<RowsMessage> source = env.fromSource(new DataGeneratorSource<>(probe, count,
                        RateLimiterStrategy.perSecond(1000.0 / o.intervalMs), TypeInformation.of(RowsMessage.class)),
                WatermarkStrategy.noWatermarks(), "hop probes").setParallelism(1);
        place.edge(source);
        // participant 1's slot: another TaskManager than participant 0's
        SingleOutputStreamOperator<RowsMessage> there = source.partitionCustom((Integer key, int n) -> 1, m -> 1)
                .map((MapFunction<RowsMessage, RowsMessage>) m -> m).name("edge server 1: send back").setParallelism(2);
        place.edge(there);
        SingleOutputStreamOperator<String> back = there.partitionCustom((Integer key, int n) -> 0, m -> 0)
                .map((MapFunction<RowsMessage, String>) m -> String.format(java.util.Locale.ROOT,
                        "{\"bytes\":%d,\"rtt_ms\":%.4f,\"index\":%d}", m.data.length,
                        (System.nanoTime() - m.sequence) / 1e6, m.rowStart))
                .name("edge server 0: round trip").setParallelism(1);
        place.edge(back);
        place.edge(back.sinkTo(KafkaSink.<String>builder().setBootstrapServers(o.bootstrap)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(KafkaRecordSerializationSchema.builder().setTopic(o.topic)
                        .setValueSerializationSchema(new SimpleStringSchema()).build()).build()).setParallelism(1));
        env.execute("HALP hop probe: " + o.sizesKb + " kB x " + o.messages);
    }

    private static RowsMessage probe(int bytes, long index) {
        RowsMessage m = new RowsMessage();
        m.cameraId = "hop";
        m.rowStart = (int) index;
        m.shape = new long[] {1, 1, 1, bytes / 4};
        m.data = new byte[bytes];
        m.sequence = System.nanoTime();
        return m;
    }
}
