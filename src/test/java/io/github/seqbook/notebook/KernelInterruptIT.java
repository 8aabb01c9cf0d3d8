package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Jupyter's "Interrupt" button against the installed kernel {@code java}, through a real Jupyter client
 * ({@code src/test/kernel/interrupt_check.py}): a 60 s {@code Thread.sleep} cell, a busy loop that ignores
 * interrupts and a 20-epoch {@code Training.fit} cell, each interrupted after 3 s, must end within 5 s with an
 * interrupted error (the fit with its own "interrupted in epoch ..." message); no cell thread may keep running,
 * and the next cells ({@code 1 + 1}, a print) must run normally. Two rounds on one kernel.
 */
class KernelInterruptIT {
    @Test
    void interruptedCellsEndAndTheKernelLivesOn() throws Exception {
        String jar = System.getProperty("seqbook.jar", "target/seqbook.jar");
        Path log = Files.createTempFile("interrupt-check", ".log");
        Process p = new ProcessBuilder("/usr/bin/python3", "src/test/kernel/interrupt_check.py", "--repeat", "2",
                "--jar", jar).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        System.out.println(out);
        assertTrue(done, "interrupt_check.py did not finish within 5 minutes:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
