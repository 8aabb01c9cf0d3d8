package io.github.seqbook.keras;

import java.util.List;

/** Formats {@link KerasModel#summary()} as Keras (TF 2) prints {@code model.summary()}. */
final class Summary {
    private Summary() {
    }

    static String format(String modelName, List<KerasModel.Row> rows, boolean connections) {
        int nameWidth = connections ? 32 : 29;
        for (KerasModel.Row r : rows) {
            nameWidth = Math.max(nameWidth, label(r).length() + 1);
        }
        int shapeWidth = connections ? 22 : 26;
        for (KerasModel.Row r : rows) {
            shapeWidth = Math.max(shapeWidth, r.output().toString().length() + 1);
        }
        int paramWidth = 10;
        int width = nameWidth + shapeWidth + paramWidth + (connections ? 33 : 0);
        String thin = "_".repeat(width);
        String thick = "=".repeat(width);
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(modelName).append("\"\n").append(thin).append('\n');
        sb.append(line(nameWidth, shapeWidth, paramWidth, "Layer (type)", "Output Shape", "Param #",
                connections ? "Connected to" : null)).append(thick).append('\n');
        long total = 0;
        long nonTrainable = 0;
        for (int i = 0; i < rows.size(); i++) {
            KerasModel.Row r = rows.get(i);
            List<String> inputs = r.inputs();
            sb.append(line(nameWidth, shapeWidth, paramWidth, label(r), r.output().toString(), String.valueOf(r.params()),
                    connections ? (inputs.isEmpty() ? "" : inputs.get(0)) : null));
            for (int k = 1; connections && k < inputs.size(); k++) {
                sb.append(line(nameWidth, shapeWidth, paramWidth, "", "", "", inputs.get(k)));
            }
            sb.append(i == rows.size() - 1 ? thick : thin).append('\n');
            total += r.params();
            nonTrainable += r.nonTrainable();
        }
        sb.append(String.format("Total params: %,d%n", total));
        sb.append(String.format("Trainable params: %,d%n", total - nonTrainable));
        sb.append(String.format("Non-trainable params: %,d%n", nonTrainable));
        sb.append(thin).append('\n');
        return sb.toString();
    }

    private static String label(KerasModel.Row r) {
        return r.name() + " (" + r.kerasClass() + ")";
    }

    private static String line(int w1, int w2, int w3, String a, String b, String c, String d) {
        String s = pad(a, w1) + pad(b, w2) + pad(c, w3);
        return (d == null ? s : s + d).stripTrailing() + "\n";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
