package dev.parley.cli;

import dev.parley.loadgen.Durations;
import dev.parley.loadgen.LoadgenConfig;
import dev.parley.loadgen.PayloadMix;
import dev.parley.loadgen.WireProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The load profile and report options that {@code loadgen} and {@code bench} share (a picocli mixin). */
final class WorkloadOptions {

    @Option(names = "--clients", defaultValue = "500", description = "Connections, one player each (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rooms", defaultValue = "10", description = "Rooms; clients are spread evenly (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(names = "--rps", defaultValue = "10",
            description = "Chat messages per second per client; with bench --find-max the first step (default: ${DEFAULT-VALUE}).")
    double rps;

    @Option(names = "--payload-mix", defaultValue = LoadgenConfig.DEFAULT_MIX, paramLabel = "SIZE[-MAX]:WEIGHT,...",
            description = "Chat text sizes in bytes and their shares (default: ${DEFAULT-VALUE}).")
    String payloadMix;

    @Option(names = "--duration", defaultValue = "60s", description = "Measured time, whole seconds (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = LoadgenConfig.DEFAULT_WARMUP,
            description = "Load before measuring, excluded from the figures but checked for loss; with bench --find-max, "
                    + "before the first step (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--protocol", defaultValue = "tcp", paramLabel = "tcp|ws", converter = ProtocolConverter.class,
            description = "How the clients connect: tcp (the client port), or ws: the same frames over WebSocket "
                    + "(parley.v1 at /ws of the WebSocket port) (default: ${DEFAULT-VALUE}).")
    WireProtocol protocol;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--chart", paramLabel = "FILE.html", description = "Write an HTML chart (inline SVG) here.")
    Path chart;

    @Option(names = "--threads", defaultValue = "0", description = "Load client event loop threads (default: one per core).")
    int threads;

    @Option(names = "--flooders", defaultValue = "0", paramLabel = "N",
            description = "Hostile extras: connections that log in, create a room of their own and send chat as fast as "
                    + "the socket takes it, reconnecting when closed; not measured (default: ${DEFAULT-VALUE}).")
    int flooders;

    @Option(names = "--flooder-reads", defaultValue = "yes", paramLabel = "yes|no", arity = "1",
            converter = ServerCommand.OnOffConverter.class, description = "Whether the flooders read what the server sends (default: ${DEFAULT-VALUE}).")
    boolean flooderReads;

    @Option(names = "--silent-connections", defaultValue = "0", paramLabel = "N",
            description = "Hostile extras: connections that never log in, half of them sending half a frame header; "
                    + "a real login is timed once they are open (default: ${DEFAULT-VALUE}).")
    int silentConnections;

    /** Sets the load profile (not the report files, which each command places itself). */
    void applyTo(LoadgenConfig c) {
        c.clients = clients;
        c.rooms = rooms;
        c.rps = rps;
        c.payloadMix = PayloadMix.parse(payloadMix);
        c.duration = Durations.parse(duration);
        c.warmup = Durations.parse(warmup);
        c.threads = threads;
        c.flooders = flooders;
        c.flooderReads = flooderReads;
        c.silentConnections = silentConnections;
        c.protocol = protocol;
    }

    static final class ProtocolConverter implements CommandLine.ITypeConverter<WireProtocol> {
        @Override
        public WireProtocol convert(String value) {
            return WireProtocol.parse(value);
        }
    }
}
