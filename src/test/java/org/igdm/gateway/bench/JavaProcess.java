package org.igdm.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A JVM of its own (the stub), so that its CPU and memory are its own: started with this JDK, its output in a log
 * file. The memory and CPU of any process (the gateway's too) are read from {@code /proc/<pid>/}.
 */
final class JavaProcess implements AutoCloseable {

    private final Process process;
    private final long startedAt;
    private final Path log;

    private JavaProcess(Process process, long startedAt, Path log) {
        this.process = process;
        this.startedAt = startedAt;
        this.log = log;
    }

    /** Starts {@code java <jvmArgs...>} in the current folder, its output going to {@code log}. */
    static JavaProcess start(List<String> jvmArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        long startedAt = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new JavaProcess(process, startedAt, log);
    }

    /** Waits until {@code ready} holds; returns the time since the process was started. */
    Duration awaitReady(BooleanSupplier ready, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready after " + atMost + "; see " + log);
            }
            Thread.sleep(5);
        }
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    Path log() {
        return log;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Resident memory now, in MiB. */
    double rssMib() {
        return rssMib(process.pid());
    }

    /** Resident memory now of any process of this machine, in MiB. */
    static double rssMib(long pid) {
        return status(pid, "VmRSS:");
    }

    /** The most resident memory a process of this machine ever had, in MiB. */
    static double peakRssMib(long pid) {
        return status(pid, "VmHWM:");
    }

    /** CPU time of any process of this machine, from {@code /proc/<pid>/stat}: utime and stime, in clock ticks of 10 ms. */
    static double cpuSeconds(long pid) {
        return statSeconds(Path.of("/proc", Long.toString(pid)), 11);
    }

    /** CPU time of a process's children that have ended and been waited for: cutime and cstime. */
    static double childrenCpuSeconds(long pid) {
        return statSeconds(Path.of("/proc", Long.toString(pid)), 13);
    }

    /**
     * A JVM's CPU time, {@code total}, and the part of it its JIT compiler threads spent ({@link #compilerCpuSeconds}):
     * in seconds from {@link #of}, in microseconds per message from {@link #microsPerMessageSince}.
     */
    record CpuTime(double total, double compiler) {

        static CpuTime of(long pid) {
            return new CpuTime(cpuSeconds(pid), compilerCpuSeconds(pid));
        }

        CpuTime microsPerMessageSince(CpuTime before, int messages) {
            return new CpuTime((total - before.total) * 1e6 / messages, (compiler - before.compiler) * 1e6 / messages);
        }

        double outsideCompiler() {
            return total - compiler;
        }
    }

    /**
     * CPU time of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and "C2 CompilerThreadN"),
     * those still running. HotSpot ends an extra compiler thread once it idles, taking its time along, so a difference
     * of two readings can miss some; with two CPUs it runs one of each and ends none. A run of minutes spends much of
     * its CPU here: the hot paths are still being compiled.
     */
    static double compilerCpuSeconds(long pid) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.filter(JavaProcess::isCompilerThread).mapToDouble(thread -> statSeconds(thread, 11)).sum();
        } catch (IOException gone) {
            return 0;
        }
    }

    private static boolean isCompilerThread(Path thread) {
        try {
            return Files.readString(thread.resolve("comm")).strip().matches("C[12] CompilerThre.*");
        } catch (IOException gone) {
            return false;
        }
    }

    /** The sum of two clock-tick fields of a process's or thread's {@code stat}, from {@code first} on, counted after the state. */
    private static double statSeconds(Path processOrThread, int first) {
        try {
            String stat = Files.readString(processOrThread.resolve("stat"));
            // the fields after the command name, which may hold spaces, start with the state (field 3)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[first]) + Long.parseLong(fields[first + 1])) / 100.0;
        } catch (IOException gone) {
            return 0;
        }
    }

    private static double status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) / 1024.0;
                }
            }
        } catch (IOException gone) {
            // the process ended: it has no memory left
        }
        return 0;
    }

    /** SIGTERM, the graceful stop; SIGKILL if it has not ended in a minute. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
