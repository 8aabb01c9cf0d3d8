package io.github.seqbook.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

import io.github.seqbook.Require;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saving and loading trained models with DL4J's {@link ModelSerializer}, safely: a save writes a temporary
 * file next to the target and moves it into place atomically, and never replaces an existing file unless
 * asked; a load of a missing, truncated or corrupt file fails with a message naming the file.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Saves a network (with its updater state, so training can resume).
     *
     * @param model     the network to save
     * @param file      where to write it (parent folders are created)
     * @param overwrite true to replace an existing file; false to refuse
     * @throws FileAlreadyExistsException when the file exists and {@code overwrite} is false
     */
    public static Path save(Model model, Path file, boolean overwrite) throws IOException {
        Require.notNull("model", model);
        Require.notNull("file", file);
        Path target = file.toAbsolutePath();
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "refusing to overwrite an existing model; pass overwrite=true or choose another file");
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            ModelSerializer.writeModel(model, tmp.toFile(), true);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /** Loads a {@link MultiLayerNetwork} saved by {@link #save}. */
    public static MultiLayerNetwork loadNetwork(Path file) {
        checkReadable(file);
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw corrupt(file, e);
        }
    }

    /** Loads a {@link ComputationGraph} saved by {@link #save}. */
    public static ComputationGraph loadGraph(Path file) {
        checkReadable(file);
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw corrupt(file, e);
        }
    }

    /**
     * The network saved at {@code file} if there is one, else {@code train.get()}, which is then saved there
     * (so a later notebook can reuse a model trained by an earlier one).
     */
    public static MultiLayerNetwork loadOrTrain(Path file, Supplier<MultiLayerNetwork> train) {
        Require.notNull("train", train);
        if (Files.isRegularFile(file)) {
            return loadNetwork(file);
        }
        MultiLayerNetwork net = train.get();
        try {
            save(net, file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("trained the model but could not save it to " + file, e);
        }
        return net;
    }

    /** Where {@link #loadOrFit} keeps the training history of the model saved at {@code modelFile}. */
    public static Path historyFile(Path modelFile) {
        Require.notNull("modelFile", modelFile);
        return modelFile.resolveSibling(modelFile.getFileName() + ".history.csv");
    }

    /**
     * For a model of the Keras-shaped API: the weights saved at {@code file} and the history saved beside it
     * ({@code <file>.history.csv}) if both are there, else {@code fit.get()}, after which the trained network and its
     * history are saved there. Lets a notebook train a slow model once and reuse it on later runs; delete the file to
     * train again.
     *
     * @param model a compiled model of the same architecture as the saved one
     * @param file  where the network is kept, e.g. {@link #chapterModel(String)}
     * @param fit   trains {@code model} and returns its history, e.g. {@code () -> model.fit(train, valid, 20)}
     * @return the history of the training that produced the weights (loaded or new)
     * @throws IllegalArgumentException when the saved network has another number of parameters than {@code model}
     */
    public static io.github.seqbook.training.History loadOrFit(io.github.seqbook.keras.KerasModel model, Path file,
                                                              Supplier<io.github.seqbook.training.History> fit) {
        Require.notNull("model", model);
        Require.notNull("file", file);
        Require.notNull("fit", fit);
        Model net = model.network();
        Path historyFile = historyFile(file);
        if (Files.isRegularFile(file) && Files.isRegularFile(historyFile)) {
            Model saved = net instanceof ComputationGraph ? loadGraph(file) : loadNetwork(file);
            if (saved.numParams() != net.numParams()) {
                throw new IllegalArgumentException("the model saved at " + file.toAbsolutePath() + " has "
                        + saved.numParams() + " parameters, this model " + net.numParams()
                        + ": it is another architecture; delete the file to train this one");
            }
            net.setParams(saved.params());
            tech.tablesaw.api.Table table;
            try {
                table = tech.tablesaw.api.Table.read().csv(historyFile.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("could not read the training history " + historyFile.toAbsolutePath()
                        + " (" + e.getMessage() + "); delete it and " + file.getFileName() + " to train again", e);
            }
            for (String c : table.columnNames()) {
                if (!c.equals("epoch") && !(table.column(c) instanceof tech.tablesaw.api.DoubleColumn)) {
                    // Tablesaw reads a column of whole numbers as integers; History reads doubles.
                    table.replaceColumn(c, ((tech.tablesaw.api.NumericColumn<?>) table.column(c)).asDoubleColumn()
                            .setName(c));
                }
            }
            return new io.github.seqbook.training.History(file.getFileName() + " (saved)", table, net.numParams());
        }
        io.github.seqbook.training.History history = Require.notNull("the history returned by fit", fit.get());
        try {
            save(net, file, true);
            Files.createDirectories(historyFile.toAbsolutePath().getParent());
            history.table().write().csv(historyFile.toFile());
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("trained the model but could not save it to " + file,
                    e instanceof IOException io ? io : new IOException(e));
        }
        return history;
    }

    /**
     * Where the notebooks keep a model of the chapter so that a later notebook can reuse it:
     * {@code saved_models/<name>.zip} next to the notebooks, under {@code saved_models/quick/} in quick mode so
     * a quick run never stands in for a full one.
     */
    public static Path chapterModel(String name) {
        Require.notNull("name", name);
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("name must use letters, digits, '_' or '-', got '" + name + "'");
        }
        Path dir = io.github.seqbook.RunMode.isQuick() ? Path.of("saved_models", "quick") : Path.of("saved_models");
        return dir.resolve(name + ".zip");
    }

    private static void checkReadable(Path file) {
        Require.notNull("file", file);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no saved model at " + file.toAbsolutePath());
        }
    }

    private static IllegalArgumentException corrupt(Path file, Throwable cause) {
        return new IllegalArgumentException("could not read a model from " + file.toAbsolutePath()
                + ": the file is truncated, corrupt or not a DL4J model (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", cause);
    }
}
