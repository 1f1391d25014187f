package dev.halp.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Flink REST calls the dashboard makes: cluster overview, TaskManagers, jar upload and run, job state,
 * cancel. Flink 2.2 ignores the old {@code programArgs} string silently, so runs send {@code programArgsList}.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    public String baseUrl() {
        return base.toString();
    }

    /** {@code GET /overview}: TaskManagers, slots and job counts. */
    public JsonNode overview() throws IOException {
        return get("overview");
    }

    /** Registered TaskManagers with their resource ids ({@code taskmanager.resource-id}). */
    public List<String> taskManagerIds() throws IOException {
        return get("taskmanagers").path("taskmanagers").findValuesAsText("id");
    }

    /** The RPC address of TaskManager {@code id} as the ResourceManager has it registered; null when none. */
    public String taskManagerPath(String id) throws IOException {
        for (JsonNode tm : get("taskmanagers").path("taskmanagers")) {
            if (tm.path("id").asText().equals(id)) {
                return tm.path("path").asText();
            }
        }
        return null;
    }

    /** {@code POST /jars/upload} (multipart field {@code jarfile}); returns the jar id for {@link #runJar}. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "halp-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), Duration.ofMinutes(2));
        String file = reply.path("filename").asText("");
        if (!"success".equals(reply.path("status").asText()) || file.isEmpty()) {
            throw new IOException("jar upload failed: " + reply);
        }
        return Path.of(file).getFileName().toString();
    }

    /** {@code POST /jars/:id/run}: runs the jar's main in the JobManager; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> programArgs) throws IOException {
        String body = JSON.writeValueAsString(Map.of("entryClass", entryClass, "programArgsList", programArgs));
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), Duration.ofMinutes(3));
        if (!reply.hasNonNull("jobid")) {
            throw new IOException("job submission failed: " + reply);
        }
        return reply.get("jobid").asText();
    }

    /** The job's state (CREATED, RUNNING, FAILED, ...) and whether every task of it is RUNNING. */
    public JobState job(String jobId) throws IOException {
        JsonNode job = get("jobs/" + jobId);
        boolean allRunning = job.path("vertices").size() > 0;
        for (JsonNode v : job.path("vertices")) {
            allRunning &= "RUNNING".equals(v.path("status").asText());
        }
        return new JobState(job.path("state").asText(), allRunning);
    }

    /** Every task (job vertex) of the job with its parallelism. */
    public Map<String, Integer> parallelism(String jobId) throws IOException {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (JsonNode v : get("jobs/" + jobId).path("vertices")) {
            out.put(v.path("name").asText(), v.path("parallelism").asInt());
        }
        return out;
    }

    /** {@code /jobs/:id/checkpoints}: counts, the latest completed checkpoint and the one restored last. */
    public JsonNode checkpoints(String jobId) throws IOException {
        return get("jobs/" + jobId + "/checkpoints");
    }

    /**
     * The job's most recent failure from {@code /jobs/:id/exceptions} ("exception in task: first lines of its
     * stack trace"), or empty when it has none: what a user reads on the dashboard's Exceptions tab.
     */
    public java.util.Optional<String> latestFailure(String jobId) throws IOException {
        JsonNode entries = get("jobs/" + jobId + "/exceptions?maxExceptions=1").path("exceptionHistory").path("entries");
        if (entries.isEmpty()) {
            return java.util.Optional.empty();
        }
        JsonNode e = entries.get(0);
        String trace = e.path("stacktrace").asText();
        String head = trace.lines().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("\tat ") || l.contains("dev.halp"))
                .limit(6).collect(java.util.stream.Collectors.joining("\n  "));
        String cause = trace.lines().filter(l -> l.startsWith("Caused by:")).reduce((a, b) -> b).orElse("");
        return java.util.Optional.of(e.path("exceptionName").asText() + " in " + e.path("taskName").asText("the job")
                + ":\n  " + head + (cause.isEmpty() || head.contains(cause) ? "" : "\n  root cause: " + cause));
    }

    /** Jobs known to the cluster, as {@code jobs[]} of {@code /jobs/overview}. */
    public JsonNode jobs() throws IOException {
        return get("jobs/overview").path("jobs");
    }

    /** Removes an uploaded jar ({@code DELETE /jars/:id}): each upload of the job jar keeps 137 MB on the JobManager. */
    public void deleteJar(String jarId) throws IOException {
        send(HttpRequest.newBuilder(base.resolve("jars/" + jarId)).DELETE(), Duration.ofSeconds(30));
    }

    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), Duration.ofSeconds(30));
    }

    /** True when the REST endpoint answers. */
    public boolean reachable() {
        try {
            overview();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public record JobState(String state, boolean allTasksRunning) {
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), Duration.ofSeconds(10));
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            HttpResponse<String> r = http.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IOException("HTTP " + r.statusCode() + " from " + r.uri() + ": " + r.body());
            }
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
