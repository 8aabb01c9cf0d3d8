import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.channels.MessageHandler;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;
import org.rapaio.jupyter.kernel.core.java.JavaEngine;
import org.rapaio.jupyter.kernel.core.java.RapaioExecutionControl;
import org.rapaio.jupyter.kernel.core.java.RapaioExecutionControlProvider;
import org.rapaio.jupyter.kernel.core.magic.MagicEngine;
import org.rapaio.jupyter.kernel.core.magic.MagicEvalException;
import org.rapaio.jupyter.kernel.core.magic.MagicHandler;
import org.rapaio.jupyter.kernel.core.magic.MagicSnippet;
import org.rapaio.jupyter.kernel.core.magic.SnippetMagicHandler;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ControlInterruptReply;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;
import org.rapaio.org.zeromq.ZMQ; // rapaio shades JeroMQ under its own package

/**
 * Race-free replacement for {@code org.rapaio.jupyter.kernel.MainApp} of rapaio-jupyter-kernel 3.0.1.
 *
 * <p>Kept in src/scripts/kernel/ and compiled by src/scripts/setup.sh into the kernel directory.
 *
 * <p>The stock start ({@code MainApp.runKernel}, then {@code Channels.connect}) has two races:
 * <ol>
 *   <li>{@code Channels.connect} (Channels.java:61) binds every socket and starts the channel loop threads
 *       <em>before</em> it creates the handler map (Channels.java:65). jupyter_client has already sent
 *       kernel_info_request, queued in its DEALER socket, which arrives as soon as the shell socket is bound.
 *       If it arrives in that window, {@code Channels.getHandler} (Channels.java:84) throws an NPE
 *       ("this.handlers is null"). The NPE is thrown outside the try block of the shell loop
 *       (ShellChannel.java:47; ControlChannel has the same code) and {@code LoopThread.run} only catches
 *       InterruptedException, so the Shell thread dies: no shell request is ever answered again and the
 *       kernel "hangs" although its process and heartbeat are alive.</li>
 *   <li>{@code LoopThread.start} (LoopThread.java:33-34) calls {@code super.start()} and only then sets
 *       {@code running = true}; a thread scheduled at once sees {@code running == false} and exits at once.</li>
 * </ol>
 *
 * <p>Interrupts (Jupyter's "Interrupt" button, {@code interrupt_request} on the control channel) are broken in
 * the stock kernel, so that a cell interrupted during {@code Thread.sleep} never finishes and every later cell
 * replies at once without running:
 * <ol start="3">
 *   <li>The control loop (ControlChannel.java:49-55) calls {@code channels.setMsgId(...)} and, in its
 *       {@code finally}, {@code channels.runAfterActions()}: one message id and one stack of "after" actions are
 *       shared by the whole kernel, so handling the interrupt re-parents the running cell's messages to the
 *       interrupt request and runs the cell's own after-actions (its idle status, freeing the message id,
 *       restoring System.out, unbinding the console) while the cell still runs. The cell's reply and idle
 *       status then never reach the client with the cell as parent.</li>
 *   <li>{@code RapaioKernel.handleInterruptRequest} replies on the shell socket instead of the control socket,
 *       and {@code JavaEngine.interrupt()} (JavaEngine.java:87-91) shuts the execution control's executor down
 *       and calls {@code JShell.stop()}: every later cell fails to run.</li>
 * </ol>
 * This launcher replaces the control loop by one that answers {@code interrupt_request} on the control socket
 * without touching the shared message id or after-actions, and interrupts the running cell in steps:
 * {@code Thread.interrupt()} on the thread that runs it (a cell that reacts, such as {@code Thread.sleep} or
 * the library's training loops, ends with its own exception and message); after {@value #CANCEL_AFTER_MS} ms the
 * cell's future is cancelled (the cell ends with the kernel's "InterruptedException"); a thread still running
 * user code {@value #STOP_AFTER_MS} ms later is stopped with {@code Thread.stop()}, as JShell itself does. The
 * executor and JShell stay alive. Needs {@code --add-opens java.base/java.util.concurrent=ALL-UNNAMED} (in the
 * kernelspec written by setup.sh) to find the thread of a running cell; without it the cell is cancelled at once.
 *
 * <p>It also makes {@code %classpath PATH} accept a jar file as well as a folder, as IJava and JJava do, so that one
 * setup line ({@code %classpath ../target/seqbook.jar}) loads the helper jar under all three kernels.
 *
 * <p>This launcher creates the handler map first (by calling the kernel's own {@code connect} while the set
 * of channels to bind is empty), then binds the channels, then checks that every loop thread really runs
 * and replaces one that lost race 2. It also sets the log level (env {@code RJK_LOG_LEVEL}, default WARNING;
 * the stock kernel logs every message at INFO on stderr), exits the JVM when the kernel shuts down, and
 * exits when the Jupyter process that started it ({@code JPY_PARENT_PID}) is gone, so no orphan JVM stays.
 */
public final class SafeKernelLauncher {

    private static final Logger LOGGER = Logger.getLogger(SafeKernelLauncher.class.getSimpleName());

    private SafeKernelLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || args[0].startsWith("-")) {
            MainApp.main(args); // installer and other modes: unchanged
            return;
        }
        configureLogging();
        watchParent();
        // The kernel replaces System.err, so an exception that kills a thread would vanish: log it instead.
        Thread.setDefaultUncaughtExceptionHandler((t, e) ->
                LOGGER.log(Level.SEVERE, "uncaught exception in thread " + t.getName(), e));

        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("Connection file is not a regular file: " + connectionFile);
        }
        ConnectionProperties connProps = Transform.fromJson(Files.readString(connectionFile),
                ConnectionProperties.class);
        if ("ipc".equals(connProps.transport())) {
            LOGGER.severe("ipc protocol is not supported.");
        }

        // Static initialisation of MainApp builds the kernel (JShell engine + init script), as in the stock start.
        RapaioKernel kernel = MainApp.kernel;
        Channels channels = new Channels(connProps);

        // 1. Handlers before sockets: run the kernel's own connect() with no channel to bind. It fills the
        //    handler map, registers the channels in the kernel and marks the connection as connected.
        //    (Its "starting" status goes to a not yet bound PUB socket and is dropped; sent again below.)
        Field channelSet = field(Channels.class, "channels");
        Object allChannels = channelSet.get(channels);
        channelSet.set(channels, Collections.emptySet());
        try {
            channels.connect(kernel);
        } finally {
            channelSet.set(channels, allChannels);
        }
        if (channels.getHandler(MessageType.SHELL_KERNEL_INFO_REQUEST) == null) {
            throw new IllegalStateException("handlers not initialised by Channels.connect");
        }

        // 2. Now bind: iopub first (so "starting" can be published), shell last.
        ConnectionPropertiesBinder binder = new ConnectionPropertiesBinder(connProps);
        Object iopub = field(Channels.class, "iopub").get(channels);
        binder.bind(iopub);
        Method send = iopub.getClass().getMethod("sendMessage", Message.class);
        send.invoke(iopub, new Message<>(MessageType.IOPUB_STATUS, IOPubStatus.STARTING));
        for (String name : List.of("heartbeat", "control", "stdin", "shell")) {
            binder.bind(field(Channels.class, name).get(channels));
        }

        // 3. Every loop thread must be running (LoopThread.start race).
        for (String name : List.of("heartbeat", "control", "shell")) {
            ensureLoopRunning(field(Channels.class, name).get(channels), name);
        }
        // 4. Interrupts that leave the kernel usable; %classpath that takes jars.
        replaceControlLoop(kernel, channels);
        magicHandlers().add(0, new ClasspathMagic());

        channels.joinUntilClose();
        LOGGER.info("kernel channels closed, exiting");
        System.exit(0);
    }

    static final long CANCEL_AFTER_MS = 3000;
    static final long STOP_AFTER_MS = 5000;

    /**
     * Stops the stock control loop and starts one whose {@code interrupt_request} handling neither re-parents
     * the running cell's messages nor runs its after-actions (see the class comment). Other control messages
     * (shutdown_request) go to the kernel's own handlers as before.
     */
    private static void replaceControlLoop(RapaioKernel kernel, Channels channels) throws Exception {
        Object control = field(Channels.class, "control").get(channels);
        Field loopField = field(control.getClass(), "loopThread");
        LoopThread stock = (LoopThread) loopField.get(control);
        stock.shutdown();
        stock.join(5000); // the ZMQ socket is not thread-safe: one reader at a time
        if (stock.isAlive()) {
            throw new IllegalStateException("the stock control loop did not stop");
        }
        ZMQ.Socket socket = (ZMQ.Socket) field(control.getClass().getSuperclass(), "socket").get(control);
        ZMQ.Context ctx = (ZMQ.Context) field(control.getClass().getSuperclass(), "ctx").get(control);
        Method read = control.getClass().getMethod("readMessage");
        Method send = control.getClass().getMethod("sendMessage", Message.class);
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(socket, ZMQ.Poller.POLLIN);
        CellInterrupter interrupter = new CellInterrupter(kernel.javaEngine());
        LoopThread loop = new LoopThread("Control-safe", 50, () -> {
            try {
                if (poller.poll(0) <= 0) {
                    return;
                }
                Message<?> message = (Message<?>) read.invoke(control);
                if (message == null) {
                    return;
                }
                if (message.header().type() == MessageType.CONTROL_INTERRUPT_REQUEST) {
                    send.invoke(control, new Message<>(message.getId(), MessageType.CONTROL_INTERRUPT_REPLY,
                            new ControlInterruptReply()));
                    interrupter.interruptRunningCells();
                    return;
                }
                @SuppressWarnings({"rawtypes", "unchecked"})
                MessageHandler<Object> handler = (MessageHandler) channels.getHandler(message.header().type());
                if (handler == null) {
                    LOGGER.severe("unhandled control message: " + message.header().type().name());
                    return;
                }
                channels.setMsgId(message.getId());
                try {
                    @SuppressWarnings("unchecked")
                    Message<Object> m = (Message<Object>) message;
                    handler.handle(m);
                } finally {
                    channels.runAfterActions();
                }
                if (channels.isMarkedForShutdown()) {
                    channels.close();
                }
            } catch (Exception e) {
                LOGGER.log(Level.SEVERE, "control loop: " + e, e);
            }
        });
        field(LoopThread.class, "running").setBoolean(loop, true); // before start(): no race
        loopField.set(control, loop);
        loop.start();
    }

    /** Interrupts the cells that the kernel's execution control is running, in three steps (class comment). */
    static final class CellInterrupter {
        private final JavaEngine engine;
        private final Field runner; // FutureTask.runner: the thread running a task, null once it ended

        CellInterrupter(JavaEngine engine) {
            this.engine = engine;
            Field f = null;
            try {
                f = field(FutureTask.class, "runner");
            } catch (Exception | LinkageError e) {
                LOGGER.warning("cannot see which thread runs a cell (" + e + "); interrupts cancel the cell at once");
            }
            this.runner = f;
        }

        @SuppressWarnings("unchecked")
        void interruptRunningCells() throws Exception {
            var provider = (RapaioExecutionControlProvider) field(JavaEngine.class, "controlProvider").get(engine);
            String id = (String) field(JavaEngine.class, "executionId").get(engine);
            RapaioExecutionControl control = provider.getRegisteredControl(id);
            if (control == null) {
                return;
            }
            var running = (Map<String, Future<Object>>) field(RapaioExecutionControl.class, "running").get(control);
            List<Future<Object>> tasks = new ArrayList<>(running.values());
            List<Thread> threads = new ArrayList<>();
            for (Future<Object> task : tasks) {
                Thread t = runnerOf(task);
                if (t == null) {
                    task.cancel(true);
                } else {
                    threads.add(t);
                    t.interrupt();
                }
            }
            if (threads.isEmpty()) {
                return;
            }
            Thread escalate = new Thread(() -> escalate(tasks), "interrupt-escalation");
            escalate.setDaemon(true);
            escalate.start();
        }

        private void escalate(List<Future<Object>> tasks) {
            try {
                Thread.sleep(CANCEL_AFTER_MS);
                List<Thread> stuck = new ArrayList<>();
                for (Future<Object> task : tasks) {
                    Thread t = runnerOf(task);
                    if (t != null) {
                        stuck.add(t);
                        task.cancel(true); // the cell ends now; its thread may still run
                    }
                }
                if (stuck.isEmpty()) {
                    return;
                }
                Thread.sleep(STOP_AFTER_MS);
                for (int i = 0; i < tasks.size(); i++) {
                    Thread t = runnerOf(tasks.get(i));
                    if (t != null) {
                        LOGGER.warning("cell thread " + t.getName() + " ignored the interrupt for "
                                + (CANCEL_AFTER_MS + STOP_AFTER_MS) + " ms: stopped");
                        stopThread(t);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Thread runnerOf(Future<Object> task) {
            if (runner == null || !(task instanceof FutureTask<?>) || task.isDone() && !task.isCancelled()) {
                return null;
            }
            try {
                return (Thread) runner.get(task);
            } catch (IllegalAccessException e) {
                return null;
            }
        }

        @SuppressWarnings({"deprecation", "removal"})
        private static void stopThread(Thread t) {
            try {
                t.stop(); // JDK 17: throws ThreadDeath in the thread, as JShell's own stop does
            } catch (UnsupportedOperationException e) {
                LOGGER.warning("Thread.stop is not supported on this JDK: " + t.getName() + " keeps running");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<MagicHandler> magicHandlers() throws Exception {
        return (List<MagicHandler>) field(MagicEngine.class, "magicHandlers").get(null);
    }

    /**
     * {@code %classpath PATH}: adds a jar file or a folder of classes (the stock handler takes folders only),
     * as IJava and JJava do, so that the notebooks' one setup line works under all three kernels.
     */
    static final class ClasspathMagic extends MagicHandler {
        private static final String PREFIX = "%classpath";

        @Override
        public String name() {
            return "Classpath";
        }

        @Override
        public List<String> helpMessage() {
            return List.of("Adds a jar file or a folder of compiled classes to the classpath.");
        }

        @Override
        public List<SnippetMagicHandler> snippetMagicHandlers() {
            return List.of(SnippetMagicHandler.lineMagic()
                    .syntaxPrefix(PREFIX + " ")
                    .syntaxMatcher(PREFIX + " .*")
                    .syntaxHelp(List.of("%classpath path/to/file.jar", "%classpath path/to/folder_with_classes"))
                    .documentation(List.of("Adds a jar or a folder of class files to the classpath"))
                    .canHandlePredicate(this::canHandleSnippet)
                    .evalFunction(this::evalLine)
                    .build());
        }

        @Override
        public boolean canHandleSnippet(MagicSnippet snippet) {
            return canHandleOneLinePrefix(snippet, PREFIX + " ");
        }

        private Object evalLine(RapaioKernel kernel, MagicSnippet snippet) throws MagicEvalException {
            String arg = snippet.lines().get(0).code().substring(PREFIX.length()).trim();
            if (arg.isEmpty()) {
                throw new MagicEvalException(snippet, "%classpath needs a path: a jar file or a folder of classes");
            }
            File file = kernel.executionContext().getRelativePath(Path.of(arg)).toAbsolutePath().normalize().toFile();
            if (!file.exists()) {
                throw new MagicEvalException(snippet, "%classpath: no such file or folder: " + file
                        + (arg.endsWith(".jar") ? " (build it with: mvn -DskipTests package)" : ""));
            }
            if (file.isFile() && !file.getName().endsWith(".jar")) {
                throw new MagicEvalException(snippet, "%classpath takes a .jar file or a folder, got " + file);
            }
            kernel.javaEngine().getShell().addToClasspath(file.getAbsolutePath());
            // a visible confirmation, as rapaio's %jar and IJava's %classpath (which returns the paths) give
            kernel.channels().writeToStdOut("Added " + file.getAbsolutePath() + " to the classpath\n");
            return null;
        }
    }

    /** Calls {@code AbstractChannel.bind(ConnectionProperties)} on one channel. */
    private record ConnectionPropertiesBinder(ConnectionProperties connProps) {
        void bind(Object channel) throws ReflectiveOperationException {
            channel.getClass().getMethod("bind", ConnectionProperties.class).invoke(channel, connProps);
        }
    }

    private static void ensureLoopRunning(Object channel, String name) throws Exception {
        Field loopField = field(channel.getClass(), "loopThread");
        LoopThread loop = (LoopThread) loopField.get(channel);
        if (loop == null) {
            return;
        }
        // A healthy loop polls (non-blocking) and sleeps 50 ms; a loop that lost the race ends at once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Thread.State state = loop.getState();
            if (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                break;
            }
            Thread.sleep(1);
        }
        if (loop.getState() != Thread.State.TERMINATED) {
            return; // busy handling a message: it is running
        }
        LOGGER.warning("loop thread of " + name + " channel ended at start (LoopThread.start race); restarted");
        Field running = field(LoopThread.class, "running");
        LoopThread fresh = new LoopThread(loop.getName(), (Long) field(LoopThread.class, "sleep").get(loop),
                (Runnable) field(LoopThread.class, "loopBody").get(loop));
        running.setBoolean(fresh, true); // set before start(): no race
        loopField.set(channel, fresh);
        fresh.start();
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static void configureLogging() {
        try (var in = MainApp.class.getClassLoader().getResourceAsStream("logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (Exception e) {
            // keep the JDK defaults
        }
        String env = System.getenv("RJK_LOG_LEVEL");
        Level level = Level.WARNING;
        if (env != null && !env.isBlank()) {
            try {
                level = Level.parse(env.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // keep WARNING
            }
        }
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        for (var handler : root.getHandlers()) {
            handler.setLevel(level);
        }
    }

    private static void watchParent() {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid == null || pid.isBlank()) {
            return;
        }
        try {
            var parent = ProcessHandle.of(Long.parseLong(pid.trim()));
            if (parent.isEmpty()) {
                return;
            }
            Thread watcher = new Thread(() -> {
                parent.get().onExit().join();
                LOGGER.warning("Jupyter parent process " + pid + " is gone, exiting");
                Runtime.getRuntime().halt(0);
            }, "parent-watcher");
            watcher.setDaemon(true);
            watcher.start();
        } catch (NumberFormatException e) {
            // not a pid: ignore
        }
    }
}
