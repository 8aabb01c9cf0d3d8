package io.github.seqbook.training;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.seqbook.Require;
import io.github.seqbook.SequenceLayout;
import io.github.seqbook.data.Split;
import io.github.seqbook.layers.Gru;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras-like training for DL4J networks on the book's arrays: {@link #fit} with per-epoch progress lines and a
 * history table, {@link #evaluate} (MSE) and {@link #predict}.
 *
 * <p>Data arrive in the book's layout ({@code x: [batch, steps, 1]}; {@code y: [batch, k]} or
 * {@code [batch, steps, k]}); they are converted here to DL4J's NCW layout ({@code [batch, 1, steps]} and
 * {@code [batch, k, steps]}), which the chapter's models use because it trains faster on CPU.
 */
public final class Training {
    /** Keras' default batch size, used by the book throughout. */
    public static final int BATCH_SIZE = 32;
    /**
     * Batch size for inference (evaluation, prediction); only memory and speed, not results, depend on it. 250
     * divides the chapter's 2,000 validation series, so the recurrent layers record their inference ops for one
     * batch shape only; it bounds the work arrays of long sequences (the Bach model's LSTM over 131 steps needed
     * about 2.9 GB for chunks of 1,000).
     */
    static final int PREDICT_BATCH = 250;
    /**
     * A training loss this many times the first epoch's, or a batch loss this many times the first batch's (and
     * above 1), counts as diverging.
     */
    static final double DIVERGENCE_FACTOR = 1e3;

    static {
        // ND4J 1.0.0-M2.1 makes every new array's shape buffer anew (2-3 us each, a third of a small model's epoch)
        io.github.seqbook.layers.engine.CachingShapeInfoProvider.install();
    }

    private Training() {
    }

    /**
     * Trains {@code model} for {@code epochs} epochs on {@code train} with Keras' batch size 32, shuffling every
     * epoch, printing one progress line per epoch, and evaluating on {@code valid} after each epoch.
     *
     * @param model   a network built by {@link io.github.seqbook.models.Models} (or any DL4J network reading
     *                NCW series)
     * @param train   training split
     * @param valid   validation split
     * @param epochs  number of epochs, at least 1
     * @param metrics extra validation metrics, e.g. {@link Metrics#LAST_TIME_STEP_MSE}
     * @return the per-epoch history
     * @throws TrainingInterruptedException when the thread is interrupted (Jupyter's "Interrupt" button): checked
     *         before every batch; the model keeps the weights of the last completed batch
     * @throws TrainingDivergedException when the loss becomes NaN or infinite or explodes
     */
    public static History fit(Model model, Split train, Split valid, int epochs, Metric... metrics) {
        return fit(model, train, valid, epochs, new FitOptions(), metrics);
    }

    /**
     * {@link #fit(Model, Split, Split, int, Metric...)} with explicit options (batch size, seed, output, clipping).
     * Side effect: a clipping option is written into the model's layers and stays there for later fits (see
     * {@link FitOptions#clipNorm}). Shuffling uses its own generator seeded from the options; ND4J's global one is
     * left to DL4J (dropout masks).
     *
     * @throws IllegalArgumentException when the splits do not fit the model (shapes, input length, NaN or Inf)
     * @throws TrainingDivergedException when a loss becomes NaN or Inf, a batch loss exceeds 1 and 1000 times the
     *                                   first batch's, or an epoch's loss 1000 times the first epoch's
     */
    public static History fit(Model model, Split train, Split valid, int epochs, FitOptions options,
                              Metric... metrics) {
        Require.notNull("model", model);
        Require.notNull("train", train);
        Require.notNull("valid", valid);
        Require.positive("epochs", epochs);
        Require.notNull("options", options);
        TrainingInterruptedException.check(() -> String.format("fit: interrupted before epoch 1/%d; the model is "
                + "unchanged", epochs));
        boolean classTargets = options.loss() != null && options.loss().classIndexTargets();
        checkCompatible(model, train, "train", classTargets);
        checkCompatible(model, valid, "valid", classTargets);
        if (!Double.isNaN(options.clipNorm()) && !Double.isNaN(options.clipValue())) {
            throw new IllegalArgumentException("options: choose clipNorm or clipValue, not both");
        }
        String monitor = options.monitor();
        if (monitor != null && !monitor.equals("loss") && !monitor.equals("val_loss") && Arrays.stream(metrics)
                .noneMatch(m -> monitor.equals("val_" + m.name()))) {
            throw new IllegalArgumentException("earlyStopping monitors \"" + monitor + "\", which this fit does not "
                    + "record; it records loss, val_loss" + Arrays.stream(metrics).map(m -> ", val_" + m.name())
                    .reduce("", String::concat));
        }
        applyClipping(model, options);
        if (!Double.isNaN(options.learningRate())) {
            setLearningRate(model, options.learningRate());
        }
        String name = options.name() != null ? options.name() : describe(model);
        History history = History.empty(name, model.numParams(), Arrays.stream(metrics).map(Metric::name)
                .toArray(String[]::new));
        PrintStream out = options.out();

        boolean updaterBlocksReplaced = false;
        INDArray xAll = toNcw(train.x());
        INDArray yAll = toNcw(train.y());
        // Rows flattened to 2-D so one native gather shuffles them.
        INDArray xRows = xAll.reshape('c', xAll.size(0), -1);
        INDArray yRows = yAll.reshape('c', yAll.size(0), -1);
        Random shuffler = new Random(options.seed());
        int n = train.size();
        int batch = Math.min(options.batchSize(), n);
        EarlyStopping stopper = monitor != null ? new EarlyStopping(options) : null;
        double firstLoss = Double.NaN;
        double firstBatchLoss = Double.NaN;
        // The linear models' whole step as replayed ops; every other network trains through DL4J's fit.
        DenseTrainStep step = DenseTrainStep.of(model).orElse(null);
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime();
                // Keras shuffles the training set at the start of every epoch.
                int[] order = permutation(n, shuffler);
                INDArray x = Nd4j.pullRows(xRows, 1, order).reshape('c', xAll.shape());
                INDArray y = Nd4j.pullRows(yRows, 1, order).reshape('c', yAll.shape());
                double lossSum = 0;
                int batches = 0;
                int totalBatches = (n + batch - 1) / batch;
                for (int from = 0; from < n; from += batch) {
                    final int e = epoch;
                    final int done = from / batch;
                    TrainingInterruptedException.check(() -> String.format("%s: interrupted in epoch %d/%d after batch "
                            + "%d of %d; the model keeps the weights of the last completed batch", name, e, epochs, done,
                            totalBatches));
                    int to = Math.min(n, from + batch);
                    INDArray bx = x.get(NDArrayIndex.interval(from, to));
                    INDArray by = y.get(NDArrayIndex.interval(from, to));
                    double score;
                    ResidentMemoryBound.check();
                    if (step != null) {
                        score = step.fit(bx, by);
                    } else {
                        fitBatch(model, bx, by);
                        score = model.score();
                        if (!updaterBlocksReplaced) {
                            // after DL4J's first step has created the updater (see UnregularizedUpdaterBlock)
                            updaterBlocksReplaced = UnregularizedUpdaterBlock.install(model) >= 0;
                        }
                    }
                    double loss = kerasLoss(score, by);
                    if (!Double.isFinite(loss)) {
                        throw diverged(name, epoch, from / batch + 1, "the loss became " + loss);
                    }
                    // Within an epoch too: the untrained model's first batch sets the scale of a sane loss.
                    if (Double.isNaN(firstBatchLoss)) {
                        firstBatchLoss = loss;
                    } else if (exploded(firstBatchLoss, loss)) {
                        throw diverged(name, epoch, from / batch + 1, String.format(
                                "the batch loss exploded from %.4g (first batch) to %.4g", firstBatchLoss, loss));
                    }
                    lossSum += loss;
                    batches++;
                }
                double loss = lossSum / batches;
                if (epoch == 1) {
                    firstLoss = loss;
                } else if (exploded(firstLoss, loss)) {
                    throw diverged(name, epoch, batches, String.format("the loss exploded from %.4g to %.4g", firstLoss,
                            loss));
                }
                INDArray validPred;
                try {
                    validPred = predict(model, valid.x());
                } catch (TrainingInterruptedException interrupted) {
                    throw new TrainingInterruptedException(String.format("%s: interrupted in epoch %d/%d while "
                            + "validating, after all %d batches; the model keeps the weights of epoch %d", name, epoch,
                            epochs, batches, epoch));
                }
                double valLoss = options.loss() != null ? options.loss().compute(valid.y(), validPred)
                        : Metrics.mse(valid.y(), validPred);
                double seconds = (System.nanoTime() - start) / 1e9;
                StringBuilder line = new StringBuilder(String.format(
                        "Epoch %d/%d - %.1fs - loss: %.4f - val_loss: %.4f", epoch, epochs, seconds, loss, valLoss));
                var row = history.table().appendRow();
                row.setInt("epoch", epoch);
                row.setDouble("loss", loss);
                row.setDouble("val_loss", valLoss);
                for (Metric m : metrics) {
                    double v = m.compute(valid.y(), validPred);
                    row.setDouble("val_" + m.name(), v);
                    line.append(String.format(" - val_%s: %.4f", m.name(), v));
                }
                row.setDouble("seconds", seconds);
                // Checked before printing too: under the Jupyter kernel a print from an interrupted thread fails inside
                // the kernel's messaging (ZMQException "Errno 4") instead of giving this message.
                // The same wording as between batches, so that one message says where every interrupt of fit landed.
                final int e = epoch;
                final int done = batches;
                TrainingInterruptedException.check(() -> String.format("%s: interrupted in epoch %d/%d after batch %d "
                        + "of %d; the model keeps the weights of the last completed batch", name, e, epochs, done,
                        totalBatches));
                if (out != null) {
                    out.println(line);
                    out.flush();
                }
                if (stopper != null && stopper.stop(model, epoch, row.getDouble(monitor), out)) {
                    break;
                }
            }
        } finally {
            if (step != null) {
                step.close();
            }
        }
        return history;
    }

    /** A loss above 1 and {@link #DIVERGENCE_FACTOR} times the reference counts as diverging. */
    static boolean exploded(double reference, double loss) {
        return loss > 1 && loss > DIVERGENCE_FACTOR * reference;
    }

    /**
     * Keras' {@code EarlyStopping} callback (TF 2): after each epoch, an improvement of the monitored value resets the
     * wait; {@code patience} epochs without one stop the fit and, if asked, restore the best epoch's weights.
     */
    private static final class EarlyStopping {
        private final String monitor;
        private final int patience;
        private final boolean restore;
        private final boolean higherIsBetter;
        private double best = Double.NaN;
        private int bestEpoch;
        private int wait;
        private INDArray bestParams;

        EarlyStopping(FitOptions options) {
            monitor = options.monitor();
            patience = options.patience();
            restore = options.restoreBestWeights();
            higherIsBetter = monitor.contains("acc"); // Keras' mode="auto"
        }

        boolean stop(Model model, int epoch, double value, PrintStream out) {
            boolean better = Double.isNaN(best) || (higherIsBetter ? value > best : value < best);
            if (better) {
                best = value;
                bestEpoch = epoch;
                wait = 0;
                if (restore) {
                    bestParams = model.params().dup();
                }
                return false;
            }
            if (++wait < patience) {
                return false;
            }
            if (out != null) {
                out.printf("Epoch %d: early stopping (best %s: %.4f at epoch %d)%n", epoch, monitor, best, bestEpoch);
            }
            if (restore && bestParams != null) {
                model.setParams(bestParams);
                if (out != null) {
                    out.printf("Restoring model weights from the end of the best epoch: %d.%n", bestEpoch);
                }
            }
            return true;
        }
    }

    /** Sets the learning rate of every layer's updater. */
    private static void setLearningRate(Model model, double learningRate) {
        // DL4J's setLearningRate skips wrapped layers (TimeDistributed, LastTimeStep): set their rate first, in the
        // updater configuration that the network's updater reads; DL4J's call then does the others and refreshes.
        org.deeplearning4j.nn.api.Layer[] layers = model instanceof MultiLayerNetwork net ? net.getLayers()
                : ((ComputationGraph) model).getLayers();
        for (var layer : layers) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer
                    && unwrapped(layer.conf().getLayer()) instanceof BaseLayer base && base.getIUpdater() != null
                    && base.getIUpdater().hasLearningRate()) {
                base.getIUpdater().setLrAndSchedule(learningRate, null);
            }
        }
        if (model instanceof MultiLayerNetwork net) {
            net.setLearningRate(learningRate);
        } else if (model instanceof ComputationGraph graph) {
            graph.setLearningRate(learningRate);
        }
    }

    /**
     * DL4J's minibatch score in Keras' units. For sequence targets ({@code [batch, k, steps]}, NCW) DL4J's
     * {@code RnnOutputLayer}/{@code RnnLossLayer} sum the per-step losses and divide by the batch size only, so
     * the score is {@code steps} times Keras' loss (the mean over steps too); the gradients differ by the same
     * constant, which Adam cancels.
     */
    static double kerasLoss(double score, INDArray ncwTargets) {
        return ncwTargets.rank() == 3 ? score / ncwTargets.size(2) : score;
    }

    /** Sets the layers' gradient normalization from the options (DL4J reads it at every update). */
    static void applyClipping(Model model, FitOptions options) {
        GradientNormalization mode;
        double threshold;
        if (!Double.isNaN(options.clipNorm())) {
            mode = GradientNormalization.ClipL2PerParamType;
            threshold = options.clipNorm();
        } else if (!Double.isNaN(options.clipValue())) {
            mode = GradientNormalization.ClipElementWiseAbsoluteValue;
            threshold = options.clipValue();
        } else {
            return;
        }
        org.deeplearning4j.nn.api.Layer[] layers = model instanceof MultiLayerNetwork net ? net.getLayers()
                : ((ComputationGraph) model).getLayers();
        for (var layer : layers) {
            if (unwrapped(layer.conf().getLayer()) instanceof BaseLayer base) {
                base.setGradientNormalization(mode);
                base.setGradientNormalizationThreshold(threshold);
            }
        }
    }

    /** Mean squared error of the model's predictions on a split. */
    public static double evaluate(Model model, Split split) {
        Require.notNull("split", split);
        checkCompatible(model, split, split.name());
        return Metrics.mse(split.y(), predict(model, split.x()));
    }

    /**
     * Predictions for a batch of series, in the book's layout: {@code [batch, k]} for models that forecast
     * from the last step, {@code [batch, steps, k]} for sequence-to-sequence models.
     *
     * @param model a network reading NCW series
     * @param x     series {@code [batch, steps, features]}
     * @throws IllegalArgumentException when {@code x} is not {@code [batch, steps, features]}, holds NaN or Inf, or
     *                                  has a length the model cannot read (shorter than its valid convolutions need,
     *                                  or not the one length a Flatten + Dense model reads)
     */
    public static INDArray predict(Model model, INDArray x) {
        Require.notNull("model", model);
        Require.sequences("x", x);
        InputSteps.check(model, "x", x.size(1), x.size(2));
        INDArray ncw = toNcw(x);
        long n = ncw.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (long from = 0; from < n; from += PREDICT_BATCH) {
            final long done = from;
            TrainingInterruptedException.check(() -> String.format("predict: interrupted after %d of %d series; "
                    + "the model is unchanged", done, n));
            long to = Math.min(n, from + PREDICT_BATCH);
            parts.add(output(model, ncw.get(NDArrayIndex.interval(from, to))).dup());
        }
        INDArray out = parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
        return fromNcw(out);
    }

    /** The model's raw output for NCW input (inference mode: dropout off). */
    static INDArray output(Model model, INDArray ncw) {
        return output(model, ncw, false);
    }

    /** The model's raw output for NCW input; {@code train} keeps dropout on (MC Dropout). */
    static INDArray output(Model model, INDArray ncw, boolean train) {
        ResidentMemoryBound.check();
        if (model instanceof MultiLayerNetwork net) {
            return net.output(ncw, train);
        }
        if (model instanceof ComputationGraph graph) {
            return graph.outputSingle(train, ncw);
        }
        throw new IllegalArgumentException("model must be a MultiLayerNetwork or a ComputationGraph, got "
                + model.getClass().getName());
    }

    private static void fitBatch(Model model, INDArray x, INDArray y) {
        if (model instanceof MultiLayerNetwork net) {
            net.fit(x, y);
        } else if (model instanceof ComputationGraph graph) {
            graph.fit(new INDArray[] {x}, new INDArray[] {y});
        } else {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or a ComputationGraph, got "
                    + model.getClass().getName());
        }
    }

    /**
     * Book layout to NCW as float32, for the networks: {@code [b, t, c] -> [b, c, t]}; rank-2 arrays are returned as
     * a float copy. See {@link SequenceLayout}.
     */
    public static INDArray toNcw(INDArray a) {
        INDArray f = a.castTo(DataType.FLOAT);
        return a.rank() == 3 ? SequenceLayout.nwcToNcw(f) : f.dup('c');
    }

    /** NCW to the book's layout: {@code [b, c, t] -> [b, t, c]}; rank-2 arrays are returned unchanged. */
    public static INDArray fromNcw(INDArray a) {
        return a.rank() == 3 ? SequenceLayout.ncwToNwc(a) : a;
    }

    /** The layer a wrapper such as {@code LastTimeStep} holds, or the layer itself. */
    static org.deeplearning4j.nn.conf.layers.Layer unwrapped(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w ? w.getUnderlying() : layer;
    }

    /** A short description of a model for titles and tables, e.g. {@code SimpleRnn(20) > OutputLayer(1), 441 params}. */
    static String describe(Model model) {
        StringBuilder sb = new StringBuilder();
        if (model instanceof MultiLayerNetwork net) {
            for (var conf : net.getLayerWiseConfigurations().getConfs()) {
                var layer = unwrapped(conf.getLayer());
                // the output layers' drop-ins compute DL4J's layers faster: titles keep DL4J's names
                String type = layer instanceof io.github.seqbook.layers.SequenceOutputLayer ? "RnnOutputLayer"
                        : layer instanceof io.github.seqbook.layers.DenseOutputLayer ? "OutputLayer"
                        : layer instanceof io.github.seqbook.layers.SequenceLossLayer ? "RnnLossLayer"
                        : layer instanceof io.github.seqbook.layers.ElementWiseActivationLayer ? "ActivationLayer"
                        : layer.getClass().getSimpleName();
                if (type.startsWith("Keras") && layer.getClass().getPackageName().equals(Gru.class.getPackageName())) {
                    type = type.substring("Keras".length()); // KerasSimpleRnn is the book's SimpleRNN: keep titles short
                }
                // "OutputLayer" -> "Output": titles must fit a 400-pixel chart.
                sb.append(sb.length() == 0 ? "" : " > ").append(type.endsWith("Layer") && type.length() > 5
                        ? type.substring(0, type.length() - 5) : type);
                if (layer instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff) {
                    sb.append('(').append(ff.getNOut()).append(')');
                }
            }
        } else {
            sb.append(model.getClass().getSimpleName());
        }
        return sb.append(", ").append(model.numParams()).append(" params").toString();
    }

    /** A Fisher-Yates permutation of {@code 0..n-1}. */
    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Checks that a split's shapes fit the model before any ND4J op can fail on them. */
    static void checkCompatible(Model model, Split split, String what) {
        checkCompatible(model, split, what, false);
    }

    /**
     * {@link #checkCompatible(Model, Split, String)}; with {@code classTargets} the targets hold one class index per
     * forecast (sparse categorical cross-entropy) instead of one value per model output.
     */
    static void checkCompatible(Model model, Split split, String what, boolean classTargets) {
        Require.notNull("model", model);
        Require.finite(what + ".x", split.x());
        Require.finite(what + ".y", split.y());
        InputSteps.check(model, what + ".x", split.steps(), split.x().size(2));
        long outputs = classTargets ? 1 : outputSize(model);
        long yOutputs = split.y().size(split.y().rank() - 1);
        if (outputs > 0 && outputs != yOutputs) {
            throw new IllegalArgumentException(what + ".y has " + yOutputs + " values per forecast but the model outputs "
                    + outputs + " (shape of " + what + ".y: " + Arrays.toString(split.y().shape()) + ")");
        }
        // One series through the model: DL4J's own errors for the mismatches below are bare shape complaints.
        INDArray pred = predict(model, split.x().get(NDArrayIndex.interval(0, 1)));
        String yShape = Arrays.toString(split.y().shape());
        if (pred.rank() == 3 && split.y().rank() == 2) {
            throw new IllegalArgumentException("the model forecasts at every time step but " + what + ".y holds one "
                    + "forecast per series (shape " + yShape + "); use sequence-to-sequence targets "
                    + "(SeriesData.sequenceToSequence)");
        }
        if (pred.rank() == 2 && split.y().rank() == 3) {
            throw new IllegalArgumentException("the model forecasts once per series but " + what + ".y holds a "
                    + "forecast per time step (shape " + yShape + "); use SeriesData.nextValues targets");
        }
        if (pred.rank() == 3 && pred.size(1) != split.y().size(1)) {
            throw new IllegalArgumentException(what + ".y has " + split.y().size(1) + " time steps but the model "
                    + "outputs " + pred.size(1) + " for inputs of " + split.steps() + " steps; a model that shortens "
                    + "the sequence needs targets downsampled to match (SeriesData.downsampleTargets)");
        }
    }

    private static long outputSize(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.layerSize(net.getnLayers() - 1);
        }
        if (model instanceof ComputationGraph graph && graph.getNumOutputArrays() == 1
                && graph.getOutputLayer(0).conf().getLayer()
                instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff) {
            return ff.getNOut();
        }
        return -1;
    }

    private static TrainingDivergedException diverged(String name, int epoch, int batch, String what) {
        return new TrainingDivergedException(String.format(
                "Training of %s diverged at epoch %d, batch %d: %s. Remedies the chapter names: a lower learning "
                        + "rate, gradient clipping (new FitOptions().clipNorm(1.0) or .clipValue(0.5)), or a "
                        + "saturating activation such as tanh. The model's weights are no longer usable: build it "
                        + "again.",
                name, epoch, batch, what));
    }
}
