package io.github.seqbook.notebook;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.github.seqbook.RunMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The first cell of every notebook: {@link #setup()} prepares ND4J for the chapter (float32, quiet) and tells
 * which backend, device and mode the notebook runs on.
 */
public final class Chapter {
    /** The Deeplearning4j release this project is built and tested with. */
    public static final String DL4J_VERSION = "1.0.0-M2.1";

    private Chapter() {
    }

    /**
     * Sets float32 as ND4J's default type (Keras' default) for the whole JVM, every later array included, and
     * returns a one-line summary such as
     * {@code seqbook on Deeplearning4j 1.0.0-M2.1 | Backend: CPU (OPENBLAS, 2 threads) | mode: full}.
     */
    public static String setup() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        return "seqbook on Deeplearning4j " + DL4J_VERSION + " | " + backend() + " | mode: " + RunMode.describe();
    }

    /**
     * Which ND4J backend and device run the computations, e.g. {@code Backend: CPU (OPENBLAS, 2 threads)} or
     * {@code Backend: CUDA, device NVIDIA H100 80GB HBM3}.
     */
    public static String backend() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(env.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName()));
        if (backend.equalsIgnoreCase("CPU")) {
            return String.format("Backend: CPU (%s, %s threads)", env.getOrDefault("blas.vendor", "BLAS"),
                    env.getOrDefault("omp.threads", Runtime.getRuntime().availableProcessors()));
        }
        Object devices = env.get("cuda.devicesInformation");
        if (devices instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            return "Backend: " + backend + ", device " + first.get("cuda.deviceName");
        }
        return "Backend: " + backend;
    }
}
