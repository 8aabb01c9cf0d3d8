package io.github.seqbook.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;

import io.github.seqbook.tables.Results;
import io.github.seqbook.training.History;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The library's tables through the kernels' own display APIs: JJava's {@code Renderer} and extension service
 * (jjava-jupyter 1.0-a6) and IJava's {@code Renderer} (jupyter-jvm-basekernel 2.3.0), with no kernel running.
 */
class KernelRenderingTest {
    /** Values with many digits, as training produces them. */
    static final double LOSS = 0.11552788195474861;
    static final double VAL_LOSS = 0.004168087150901556;

    static Results results() {
        return Results.forNotebook("01").add("naive (last value)", "val_mse", 0.0202113669)
                .add("linear Flatten+Dense(1)", "val_mse", VAL_LOSS, 2, 0.063390298, 51);
    }

    static History history() {
        Table t = Table.create("h", IntColumn.create("epoch", 1, 2), DoubleColumn.create("loss", LOSS, 0.0371),
                DoubleColumn.create("val_loss", 0.0512, VAL_LOSS), DoubleColumn.create("seconds", 0.4182, 0.0634));
        return new History("Dense(1)", t, 51);
    }

    @Test
    void jjavaRendersResultsAsHtmlAndRoundedText() {
        Renderer renderer = new Renderer();
        JJavaRenderers.register(renderer);
        Results results = results();
        DisplayData data = renderer.render(results);

        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertEquals(results.toHtml(), html);
        assertTrue(html.startsWith("<table class=\"seqbook-results\">"), html);
        assertTrue(html.contains("<tr><td>linear Flatten+Dense(1)</td><td>val_mse</td><td>0.004168</td><td>0.004168</td>"
                + "<td>1.00</td><td>2</td><td>0.1</td><td>51</td></tr>"), html);

        String text = (String) data.getData(MIMEType.TEXT_PLAIN);
        assertEquals(results.toText(), text);
        assertTrue(text.contains("0.02021") && text.contains("0.004168"), text);
        assertFalse(text.contains("0.020211") || text.contains("0.0041680"), "more than 4 significant digits:\n" + text);
    }

    @Test
    void jjavaRendersHistoryAsHtmlAndRoundedText() {
        Renderer renderer = new Renderer();
        JJavaRenderers.register(renderer);
        DisplayData data = renderer.render(history());

        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<th>epoch</th><th>loss</th><th>val_loss</th><th>seconds</th>"), html);
        assertTrue(html.contains("<tr><td>1</td><td>0.1155</td><td>0.05120</td><td>0.42</td></tr>"), html);
        String text = (String) data.getData(MIMEType.TEXT_PLAIN);
        assertTrue(text.contains("0.1155") && text.contains("0.004168"), text);
        assertFalse(text.contains("0.11552") || text.contains("0.0041680"), text);
        assertTrue(text.endsWith("Dense(1), 51 params"), text);
    }

    @Test
    void jjavaRenderAsPlainTextGivesTheRoundedText() {
        Renderer renderer = new Renderer();
        JJavaRenderers.register(renderer);
        History history = history();
        DisplayData data = renderer.renderAs(history, "text/plain");
        assertEquals(history.toText(), data.getData(MIMEType.TEXT_PLAIN));
        assertFalse(data.hasDataForType(MIMEType.TEXT_HTML));
    }

    @Test
    void withoutRegistrationJJavaFallsBackToToStringWhichIsRounded() {
        // A kernel that never loaded the extension still gets the 4-digit text, not 17-digit numbers.
        DisplayData data = new Renderer().render(results());
        assertFalse(data.hasDataForType(MIMEType.TEXT_HTML));
        assertFalse(((String) data.getData(MIMEType.TEXT_PLAIN)).contains("0.0041680871"));
    }

    @Test
    void jjavaFindsTheExtensionThroughItsServiceFile() {
        List<String> found = ServiceLoader.load(Extension.class).stream().map(p -> p.type().getName()).toList();
        assertTrue(found.contains(JJavaExtension.class.getName()), "service file does not list the extension: " + found);
    }

    @Test
    void theExtensionRegistersThroughTheNotebooksCopyOfTheRenderers() {
        ClassLiteralKernel kernel = new ClassLiteralKernel();
        new JJavaExtension().install(kernel);
        assertEquals(List.of(JJavaExtension.NOTEBOOK_RENDERERS), kernel.evaluated);
        assertEquals(JJavaRenderers.class.getName() + ".class", JJavaExtension.NOTEBOOK_RENDERERS);
        DisplayData data = kernel.getRenderer().render(results());
        assertTrue(((String) data.getData(MIMEType.TEXT_HTML)).contains("<td>0.02021</td>"));
    }

    @Test
    void theExtensionNeverFailsTheCell() {
        ClassLiteralKernel kernel = new ClassLiteralKernel() {
            @Override
            public Object evalRaw(String source) {
                throw new IllegalStateException("evaluation refused");
            }
        };
        new JJavaExtension().install(kernel); // must not throw
        assertFalse(kernel.getRenderer().render(results()).hasDataForType(MIMEType.TEXT_HTML));
    }

    @Test
    void ijavaRendersResultsAsHtmlAndRoundedText() {
        var renderer = new io.github.spencerpark.jupyter.kernel.display.Renderer();
        assertTrue(IJavaRenderers.register(renderer));
        assertTrue(IJavaRenderers.register(renderer), "registering again must be harmless");
        Results results = results();
        var data = renderer.render(results);
        var htmlType = io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_HTML;
        var textType = io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN;
        assertEquals(results.toHtml(), data.getData(htmlType));
        assertEquals(results.toText(), data.getData(textType));
        assertTrue(((String) data.getData(htmlType)).contains("<td>0.004168</td>"));
    }

    @Test
    void ijavaRegistrationRejectsWhatIsNotARenderer() {
        assertFalse(IJavaRenderers.register(new Object()));
        assertFalse(IJavaRenderers.register(null));
    }

    @Test
    void withoutAKernelShowPrintsTheRoundedText() {
        Display.connect(); // no kernel: nothing to connect, and no error
        assertNull(JJavaRenderers.connectRunningKernel());
        assertNull(IJavaRenderers.connectRunningKernel());
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Results results = results();
        boolean displayed;
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            displayed = Display.show(results);
        } finally {
            System.setOut(saved);
        }
        assertFalse(displayed);
        assertEquals(results.toText() + System.lineSeparator(), buffer.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tableViewChecksItsRows() {
        TableView view = new TableView("t", "", "a", "b");
        var e = assertThrows(IllegalArgumentException.class, () -> view.row("only one"));
        assertTrue(e.getMessage().contains("cells") && e.getMessage().contains("expected 2"), e.getMessage());
        view.row("<x>", null);
        assertTrue(view.toHtml().contains("<td>&lt;x&gt;</td><td></td>"), view.toHtml());
        assertThrows(IllegalArgumentException.class, () -> new TableView("t", ""));
        assertEquals("1.000e-05", TableView.sig4(1e-5));
        assertEquals("", TableView.sig4(Double.NaN));
    }

    /**
     * A JJava kernel whose "notebook" evaluates class literals only, the one expression the extension asks for;
     * it answers the class from this JVM, as JShell would from the notebook's class loader.
     */
    static class ClassLiteralKernel extends BaseKernel {
        final java.util.ArrayList<String> evaluated = new java.util.ArrayList<>();

        ClassLiteralKernel() {
            super("test", "0", new LanguageInfo.Builder("Java").build(), List.of(), null,
                    new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, new MagicsRegistry(),
                    false, new StringStyler.Builder().build());
        }

        @Override
        public Object evalRaw(String source) {
            evaluated.add(source);
            if (!source.endsWith(".class")) {
                throw new IllegalArgumentException("this kernel evaluates class literals only, got " + source);
            }
            try {
                return Class.forName(source.substring(0, source.length() - ".class".length()));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public DisplayData inspect(String code, int at, boolean extraDetail) {
            return null;
        }

        @Override
        public ReplacementOptions complete(String code, int at) {
            return null;
        }

        @Override
        public String isComplete(String code) {
            return IS_COMPLETE_YES;
        }
    }
}
