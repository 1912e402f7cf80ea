package finora.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times the server's start-up phases for the INFO line printed once it serves: from the JVM's start
 * (the process start time) to {@code main}, then each phase of the critical path, then work done in
 * parallel with it.
 */
final class StartupPhases {
    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final long mainNanos = System.nanoTime();
    private final long mainMillis = System.currentTimeMillis();
    private final List<String> phases = new ArrayList<>();
    private final List<String> parallel = new ArrayList<>();
    private long last = mainNanos;

    StartupPhases() {
        phases.add("JVM to main " + (mainMillis - jvmStartMillis) + " ms");
    }

    /** Ends the current phase of the critical path under {@code name}. */
    synchronized void mark(String name) {
        long now = System.nanoTime();
        phases.add(name + " " + TimeUnit.NANOSECONDS.toMillis(now - last) + " ms");
        last = now;
    }

    /** Records work that ran beside the critical path, {@code startNanos} to now. */
    synchronized void parallel(String name, long startNanos) {
        parallel.add(name + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
    }

    /** The INFO line: every phase, what ran in parallel, and the total since the JVM started. */
    synchronized String summary() {
        long total = mainMillis - jvmStartMillis + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mainNanos);
        return "Start-up phases: " + String.join(", ", phases)
                + (parallel.isEmpty() ? "" : " (in parallel: " + String.join(", ", parallel) + ")")
                + "; serving " + total + " ms after the JVM started";
    }
}
