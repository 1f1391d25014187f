package dev.halp.partitioner.scheme;

import java.util.List;
import java.util.Locale;

/** The schemes by name, for command lines and scenario files. */
public final class Schemes {

    private Schemes() {
    }

    public static List<String> names() {
        return List.of("local", "modnn", "halp");
    }

    public static CollaborationScheme byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "local" -> new LocalScheme();
            case "modnn" -> new ModnnScheme();
            case "halp" -> new HalpScheme();
            default -> throw new IllegalArgumentException("unknown scheme '" + name + "' (known: "
                    + String.join(", ", names()) + ")");
        };
    }

    public static List<CollaborationScheme> all() {
        return names().stream().map(Schemes::byName).toList();
    }
}
