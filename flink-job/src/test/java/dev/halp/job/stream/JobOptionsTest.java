package dev.halp.job.stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad configuration fails in the job's main, before anything is submitted, naming the option. */
class JobOptionsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--bootstrap h:9092 --scheme diagonal           | --scheme: unknown scheme 'diagonal'",
            "--bootstrap h:9092 --model resnet              | --model: unknown model 'resnet'",
            "--bootstrap h:9092 --secondaries 0             | --secondaries: must be between 1 and 16",
            "--bootstrap h:9092 --deadline-ms 0             | --deadline-ms: must be positive",
            "--bootstrap h:9092 --deadline-clock sundial    | --deadline-clock: must be capture or ingest",
            "--bootstrap h:9092 --results-topic bad/topic   | --results-topic: not a valid Kafka name",
            "--bootstrap h:9092 --weights /no/such.params   | --weights: file not found",
            "--bootstrap h:9092 --labels /no/such.txt       | --labels: file not found",
            "--bootstrap h:9092 --warmup-size 10x10         | --warmup-size: sizes must be at least 32x32",
            "--bootstrap h:9092 --start-from yesterday      | --start-from: must be committed, earliest or latest",
            "--bootstrap h:9092 --host-parallelism 0        | --host-parallelism: must be between 1 and 16",
            "--bootstrap h:9092 --batch-size 0              | --batch-size: must be between 1 and 64",
            "--bootstrap h:9092 --batch-linger-ms -1        | --batch-linger-ms: must not be negative",
            "--bootstrap h:9092 --fault-link-secondary 2    | --fault-link-secondary: must be a secondary index below 2",
            "--bootstrap h:9092 --fault-link-mbps 0         | --fault-link-mbps: must be positive",
            "--bootstrap h:9092 --feedback-topic a:b        | --feedback-topic: not a valid Kafka name",
            "--bootstrap h:9092 --resize 224                | --resize: expected WxH",
            "--bootstrap h:9092 --resize 224x224 --resize-mode squash | --resize-mode: expected stretch, letterbox",
            "--bootstrap h:9092 --resize 16x16              | --resize: the input size must be at least 32x32",
            "--bootstrap h:9092 --stats-window-s -1         | --stats-window-s: must be 0..86400",
            "--bootstrap h:9092 --camera-stats-topic a:b    | --camera-stats-topic: not a valid Kafka name",
            "--scheme halp                                   | --bootstrap: required"})
    void badOptionsFailBeforeSubmissionNamingTheOption(String args, String message) {
        Exception e = assertThrows(IllegalArgumentException.class, () -> HalpJobMain.main(args.trim().split("\\s+")));
        assertTrue(e.getMessage().startsWith(message.trim()), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aLabelsFileMustNameEveryClassOfTheModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path three = java.nio.file.Files.writeString(dir.resolve("three.txt"), "cat\ndog\nfox\n\n");
        Exception e = assertThrows(IllegalArgumentException.class, () -> HalpJobMain.main(new String[] {
                "--bootstrap", "h:9092", "--model", "tiny", "--labels", three.toString()}));
        assertTrue(e.getMessage().startsWith("--labels: ") && e.getMessage().contains("names 3 classes, tiny has 10"),
                e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void rescuesAreHalfTheDeadlineByDefaultAndOffForTheLocalScheme() {
        JobOptions halp = new JobOptions();
        new picocli.CommandLine(halp).parseArgs("--scheme", "halp", "--deadline-ms", "3000");
        org.junit.jupiter.api.Assertions.assertEquals(1500, halp.rescueMargin());
        JobOptions local = new JobOptions();
        new picocli.CommandLine(local).parseArgs("--scheme", "local", "--deadline-ms", "3000", "--rescue-margin-ms", "500");
        org.junit.jupiter.api.Assertions.assertEquals(0, local.rescueMargin(), "the host has nobody to stand in for");
    }
}
