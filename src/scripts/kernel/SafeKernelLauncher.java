import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;

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

        channels.joinUntilClose();
        LOGGER.info("kernel channels closed, exiting");
        System.exit(0);
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
