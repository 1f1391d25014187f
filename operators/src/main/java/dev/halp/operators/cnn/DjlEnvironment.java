package dev.halp.operators.cnn;

/**
 * Keeps DJL offline. Must run before the first {@code ai.djl.engine.Engine} class load: otherwise the
 * engine's start-up calls a cloud metadata address and may try to download natives.
 */
public final class DjlEnvironment {

    private DjlEnvironment() {
    }

    public static void ensureOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }
}
