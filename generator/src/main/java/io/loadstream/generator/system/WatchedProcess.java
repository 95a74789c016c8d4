package io.loadstream.generator.system;

import java.util.Optional;

/**
 * The process that {@code loadstream agent} watches on the target ({@code --pid} or {@code --process-name}): its
 * CPU share since the previous reading and its resident memory, from {@code /proc}. A process chosen by name is
 * looked up again when it ends (the application restarted); one chosen by pid is reported unknown once it ends.
 * Not thread-safe: the sampler thread calls it.
 */
public final class WatchedProcess {

    private final long fixedPid;
    private final String name;
    private final ProcFiles proc;
    private long pid = -1;
    private long lastProcessTicks = -1;
    private long lastTotalTicks = -1;

    private WatchedProcess(long fixedPid, String name, ProcFiles proc) {
        this.fixedPid = fixedPid;
        this.name = name;
        this.proc = proc;
    }

    /**
     * Watches one process id.
     *
     * @param pid a process id, above 0
     * @return the watcher
     * @throws IllegalArgumentException when {@code pid} is not above 0
     */
    public static WatchedProcess byPid(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("--pid must be a process id above 0, not " + pid + ".");
        }
        return new WatchedProcess(pid, null, ProcFiles.system());
    }

    /**
     * Watches the process whose command name ({@code /proc/PID/comm}, as {@code ps} shows it), executable or one of
     * whose arguments is {@code name} (compared by file name, so {@code shop.jar} matches {@code java -jar
     * /opt/shop.jar}); of several, the one with the lowest pid, never the agent itself nor the processes that
     * started it (its launcher script has the name among its arguments).
     *
     * @param name a command name, executable or argument, e.g. {@code nginx} or {@code shop.jar}
     * @return the watcher
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public static WatchedProcess byName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--process-name must not be blank.");
        }
        return new WatchedProcess(-1, name, ProcFiles.system());
    }

    /**
     * One reading.
     *
     * @param label      the process as {@code "pid (command)"}, or what was asked for when it is not running
     * @param cpuPercent CPU share since the previous reading over all processors, 0 to 100; -1 unknown (the
     *                   first reading, or no process)
     * @param rssBytes   resident memory, bytes; -1 unknown
     */
    public record Reading(String label, double cpuPercent, long rssBytes) {
    }

    /** @return whether the process asked for runs now */
    public boolean isRunning() {
        return resolve() > 0;
    }

    /** @return the process's figures now */
    public Reading read() {
        long current = resolve();
        if (current <= 0) {
            return new Reading(fixedPid > 0 ? "pid " + fixedPid + " (not running)" : name + " (not running)", -1,
                    -1);
        }
        String label = current + " (" + Optional.ofNullable(proc.command(current)).orElse("?") + ")";
        String id = Long.toString(current);
        long processTicks = proc.processCpuTicks(id);
        long totalTicks = proc.totalCpuTicks();
        double cpu = -1;
        if (current == pid && lastProcessTicks >= 0 && processTicks >= lastProcessTicks && totalTicks > lastTotalTicks
                && lastTotalTicks >= 0) {
            // Both counters are in clock ticks, and /proc/stat's cpu line sums every processor: the ratio is the
            // share of the whole machine, as process_cpu_percent is, without knowing the tick rate.
            cpu = Math.min(100, 100.0 * (processTicks - lastProcessTicks) / (totalTicks - lastTotalTicks));
        }
        pid = current;
        lastProcessTicks = processTicks;
        lastTotalTicks = totalTicks;
        return new Reading(label, cpu, proc.rssBytes(id));
    }

    private long resolve() {
        if (fixedPid > 0) {
            return proc.command(fixedPid) != null ? fixedPid : -1;
        }
        if (pid > 0 && proc.command(pid) != null) {
            return pid;
        }
        java.util.Set<Long> agent = new java.util.HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            agent.add(p.get().pid());
        }
        return ProcessHandle.allProcesses()
                .filter(p -> !agent.contains(p.pid()) && matches(p))
                .mapToLong(ProcessHandle::pid)
                .min().orElse(-1);
    }

    private boolean matches(ProcessHandle process) {
        if (name.equals(proc.command(process.pid()))) {
            return true;
        }
        ProcessHandle.Info info = process.info();
        if (info.command().map(WatchedProcess::fileName).orElse("").equals(name)) {
            return true;
        }
        for (String argument : info.arguments().orElse(new String[0])) {
            if (fileName(argument).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
