package finora.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives one operation from several threads: closed loop (as fast as answers come back) to find the
 * maximum throughput, or a fixed rate where each latency counts from the intended start time, so
 * a stall is not hidden (no coordinated omission).
 */
final class LoadGenerator {
    /** Throughput and latency of one run. */
    record Result(double qps, double p50Millis, double p99Millis, long calls, long errors) {}

    private LoadGenerator() {}

    static Result closedLoop(Runnable call, int threads, Duration warmup, Duration duration)
            throws InterruptedException {
        run(call, threads, warmup, 0);
        return run(call, threads, duration, 0);
    }

    static Result fixedRate(Runnable call, int threads, double totalQps, Duration duration)
            throws InterruptedException {
        return run(call, threads, duration, totalQps);
    }

    private static Result run(Runnable call, int threads, Duration duration, double totalQps)
            throws InterruptedException {
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long interval = totalQps > 0 ? (long) (threads * 1e9 / totalQps) : 0;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = interval == 0 ? 0 : interval * t / threads;
            Thread worker = new Thread(
                    () -> {
                        long intended = start + offset;
                        while (true) {
                            if (interval > 0) {
                                long now = System.nanoTime();
                                if (intended > now) {
                                    LockSupport.parkNanos(intended - now);
                                }
                            }
                            long begin = interval > 0 ? intended : System.nanoTime();
                            if (begin >= end) {
                                return;
                            }
                            try {
                                call.run();
                            } catch (RuntimeException e) {
                                errors.incrementAndGet();
                            }
                            histogram.recordValue(Math.max(0, System.nanoTime() - begin));
                            calls.incrementAndGet();
                            intended += interval;
                        }
                    },
                    "load-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
                calls.get() / seconds,
                histogram.getValueAtPercentile(50) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6,
                calls.get(),
                errors.get());
    }
}
