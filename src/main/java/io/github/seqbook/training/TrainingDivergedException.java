package io.github.seqbook.training;

/**
 * Thrown by {@link Training#fit} when the loss becomes NaN or infinite, or explodes, so training stops at
 * once with advice instead of silently producing a useless model.
 */
public class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what diverged, where, and the remedies to try */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
