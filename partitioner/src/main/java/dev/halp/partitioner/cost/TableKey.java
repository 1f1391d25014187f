package dev.halp.partitioner.cost;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A measured table's key, {@code HxW_bBATCH_DTYPE} (for example {@code 224x224_b1_fp32}). */
public record TableKey(int height, int width, int batch, String dtype) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)x(\\d+)_b(\\d+)_(\\w+)");

    public static TableKey parse(String key) {
        Matcher m = FORMAT.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException("table key '" + key + "' is not HxW_bBATCH_DTYPE");
        }
        return new TableKey(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(4));
    }

    @Override
    public String toString() {
        return height + "x" + width + "_b" + batch + "_" + dtype;
    }
}
