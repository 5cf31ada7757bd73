package dev.parley.loadgen;

import dev.parley.launch.ServerProcess;

/** Samples the server's and this process's CPU time at the start and end of a measured window. */
final class CpuWindow implements PhaseListener {

    private final ServerProcess server;
    private final long self = ProcessHandle.current().pid();
    private double serverStart;
    private double selfStart;
    private long wallStart;
    private double serverCpu = Double.NaN;
    private double selfCpu = Double.NaN;
    private double wall;

    CpuWindow(ServerProcess server) {
        this.server = server;
    }

    @Override
    public void measureStarted() {
        wallStart = System.nanoTime();
        serverStart = ProcStat.cpuSeconds(server.pid());
        selfStart = ProcStat.cpuSeconds(self);
    }

    @Override
    public void measureEnded() {
        serverCpu = ProcStat.cpuSeconds(server.pid()) - serverStart;
        selfCpu = ProcStat.cpuSeconds(self) - selfStart;
        wall = (System.nanoTime() - wallStart) / 1e9;
    }

    double serverCpuSeconds() {
        return serverCpu;
    }

    double loadgenCpuSeconds() {
        return selfCpu;
    }

    double wallSeconds() {
        return wall;
    }

    /** Server CPU seconds per million deliveries, NaN when nothing was delivered. */
    double serverCpuPerMillion(long deliveries) {
        return deliveries == 0 ? Double.NaN : serverCpu / (deliveries / 1e6);
    }
}
