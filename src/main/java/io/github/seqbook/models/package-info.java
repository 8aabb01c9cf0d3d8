/**
 * The chapter's models: {@link io.github.seqbook.models.Models} has one builder per model, with the book's sizes,
 * activations, Keras' initialisation and Adam settings, every one reading NCW series; {@link
 * io.github.seqbook.models.ModelFiles} saves and loads trained networks safely (atomic writes, no silent
 * overwrite, clear errors for missing or corrupt files; {@code loadOrFit} trains a slow model once and reuses it);
 * {@link io.github.seqbook.models.Bach} is exercise 10's model of Bach's chorales and its generation of new ones.
 *
 * <p>Side effect: building a model initialises a DL4J network with the book's seed, and DL4J's initialisation
 * reseeds ND4J's global random generator with it; random draws after a build (dropout masks, {@code Nd4j.rand})
 * therefore repeat from build to build.
 */
package io.github.seqbook.models;
