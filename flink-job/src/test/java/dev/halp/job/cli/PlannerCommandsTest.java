package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.halp.job.cli.VerifyCommandTest.halp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code plan}, {@code verify --plan}, {@code simulate} and {@code profile}, in process. */
class PlannerCommandsTest {

    @Test
    void aSavedHalpPlanVerifiesExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.json");
        VerifyCommandTest.Run plan = halp("plan", "--secondaries", "2", "--profile", "xavier",
                "--bandwidth-mbps", "10000", "--out", file.toString(), "--json");
        assertEquals(0, plan.status(), plan.err());
        JsonNode j = plan.json();
        assertEquals("halp", j.get("scheme").asText());
        assertEquals(2, j.get("secondaries_used").asInt());
        assertTrue(j.get("speedup").asDouble() > 2, j.toString());
        VerifyCommandTest.Run verify = halp("verify", "--plan", file.toString(), "--json");
        assertEquals(0, verify.status(), verify.out() + verify.err());
        assertEquals(0.0, verify.json().get("max_abs_diff").asDouble());
    }

    @Test
    void badOptionsNameTheOption(@TempDir Path dir) throws Exception {
        VerifyCommandTest.Run r = halp("plan", "--scheme", "dpfp");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--scheme"), r.err());
        r = halp("plan", "--profile", "nowhere.json");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--profile"), r.err());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"model\": \"vgg16\"}");
        r = halp("verify", "--plan", broken.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--plan"), r.err());
        r = halp("simulate", "--scenario", "nowhere");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--scenario"), r.err());
    }

    @Test
    void theSmallScenarioSimulatesWithPlots(@TempDir Path dir) throws Exception {
        String scenario = new String(PlannerCommandsTest.class.getResourceAsStream("/scenarios/paper.json")
                .readAllBytes()).replace("\"frames\": 1000", "\"frames\": 50")
                .replace("[100, 300, 1000, 3000, 10000]", "[1000, 10000]");
        Path file = Files.writeString(dir.resolve("small.json"), scenario);
        VerifyCommandTest.Run r = halp("simulate", "--scenario", file.toString(), "--out", dir.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("halp_never_behind").asBoolean());
        assertEquals(3 * (2 * 2 + 4) * 3, j.get("rows").size());
        assertEquals(2 * 14 * 4, j.get("reliability").size(), "local, modnn, halp and deadline-aware");
        assertTrue(j.get("deadline_aware_never_behind").asBoolean(), j.toString());
        assertTrue(Files.size(dir.resolve("speedup-vs-bandwidth-xavier.png")) > 1000);
        assertTrue(Files.size(dir.resolve("reliability-rayleigh.png")) > 1000);
    }

    @Test
    void profileWritesTheSharedFormatAndPlanReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cpu-tiny.json");
        VerifyCommandTest.Run r = halp("profile", "--model", "tiny", "--height", "32", "--width", "32",
                "--points", "2", "--repeats", "1", "--out", file.toString());
        assertEquals(0, r.status(), r.err());
        var profile = ProfileCodec.read(Files.newInputStream(file), "cpu", "fp32");
        assertEquals(9, profile.tables().get("32x32_b1_fp32").size());
        VerifyCommandTest.Run plan = halp("plan", "--model", "tiny", "--height", "32", "--width", "32",
                "--profile", file.toString(), "--json");
        assertEquals(0, plan.status(), plan.err());
        assertTrue(plan.json().get("local_ms").asDouble() > 0);
    }

    @Test
    void aResNetIsProfiledPlannedFromItsProfileAndVerifiedExactly(@TempDir Path dir) throws Exception {
        Path profile = dir.resolve("cpu-resnet18.json");
        VerifyCommandTest.Run r = halp("profile", "--model", "resnet18", "--height", "96", "--width", "96",
                "--points", "2", "--repeats", "3", "--out", profile.toString()); // median of 3: one stall is not a cost
        assertEquals(0, r.status(), r.err());
        assertEquals(20, ProfileCodec.read(Files.newInputStream(profile), "cpu", "fp32").tables().get("96x96_b1_fp32").size(),
                "4 stem layers, 8 blocks and their ReLUs");
        Path plan = dir.resolve("plan.json");
        for (String scheme : new String[] {"local", "modnn", "halp"}) {
            VerifyCommandTest.Run p = halp("plan", "--model", "resnet18", "--height", "96", "--width", "96",
                    "--scheme", scheme, "--profile", profile.toString(), "--bandwidth-mbps", "100000",
                    "--out", plan.toString(), "--json");
            assertEquals(0, p.status(), p.err());
            VerifyCommandTest.Run v = halp("verify", "--plan", plan.toString(), "--json");
            assertEquals(0, v.status(), scheme + ": " + v.out() + v.err());
            assertEquals(0.0, v.json().get("max_abs_diff").asDouble(), scheme);
        }
    }

    @Test
    void simulateTakesAnotherModel(@TempDir Path dir) throws Exception {
        String scenario = new String(PlannerCommandsTest.class.getResourceAsStream("/scenarios/paper.json")
                .readAllBytes()).replace("\"frames\": 1000", "\"frames\": 20")
                .replace("[100, 300, 1000, 3000, 10000]", "[10000]");
        Path file = Files.writeString(dir.resolve("small.json"), scenario);
        JsonNode vgg = halp("simulate", "--scenario", file.toString(), "--json").json();
        VerifyCommandTest.Run r = halp("simulate", "--scenario", file.toString(), "--model", "resnet50", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode resnet = r.json();
        assertTrue(resnet.get("halp_never_behind").asBoolean());
        assertEquals(vgg.get("rows").size(), resnet.get("rows").size(), "the same rows, Local, MoDNN and HALP");
        // ResNet-50 at 224x224 has a quarter of VGG-16's FLOPs, but more bytes through its 160 memory-bound batch
        // norms, ReLUs and sums: the host alone is faster, by less than the FLOPs say
        double vggLocal = vgg.get("rows").get(0).get("latency_ms").asDouble();
        double resnetLocal = resnet.get("rows").get(0).get("latency_ms").asDouble();
        assertEquals("local", resnet.get("rows").get(0).get("scheme").asText());
        assertTrue(resnetLocal < vggLocal && resnetLocal > vggLocal / 4, resnetLocal + " vs " + vggLocal);
        r = halp("simulate", "--scenario", file.toString(), "--model", "resnet101");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--model"), r.err());
    }
}
