package io.github.seqbook.training;

/**
 * Thrown by the library's long loops ({@link Training#fit fit}, {@link Training#evaluate evaluate},
 * {@link Training#predict predict}, {@link Forecasts#forecastAhead iterative forecasts}, {@link Forecasts#mcDropout MC
 * Dropout}) when their thread is interrupted, which is what Jupyter's "Interrupt" button does to the cell that runs
 * them. They check between batches (or forecast steps, or samples), so they stop within one batch, and the message
 * says where: {@code interrupted in epoch 3/20 after batch 120 of 219; the model keeps the weights of the last
 * completed batch}. The model stays usable: train it further, evaluate it or save it.
 *
 * <p>The thread's interrupt flag stays set, as for any code that gives up on an interrupt.
 */
public class TrainingInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingInterruptedException(String message) {
        super(message);
    }

    /**
     * Throws when the current thread has been interrupted.
     *
     * @param where what was interrupted and what it leaves behind, built only when needed
     * @throws TrainingInterruptedException when {@link Thread#isInterrupted()} is true
     */
    static void check(java.util.function.Supplier<String> where) {
        if (Thread.currentThread().isInterrupted()) {
            throw new TrainingInterruptedException(where.get());
        }
    }
}
