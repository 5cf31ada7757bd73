package dev.parley.loadgen;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks before connecting that the process may open enough sockets, so a big run fails at
 * once with the fix in the message instead of half-way with "Too many open files".
 */
final class ResourceCheck {

    /** Files beyond the sockets: jars, epoll descriptors, pipes, the report. */
    static final int HEADROOM = 128;
    static final int DEFAULT_EPHEMERAL_PORTS = 28_232;

    private ResourceCheck() {
    }

    /** {@code extraConnections}: hostile extras opened beside the measured clients. */
    static void check(RoomLayout layout, int sourceAddresses, int extraConnections) {
        checkMemory(DeliveryTracker.bytesNeeded(layout), Runtime.getRuntime().maxMemory());
        checkConnections(layout.clients() + extraConnections, layout.clients() + extraConnections, sourceAddresses);
    }

    /**
     * {@code open} connections at once fit the open-file limit, and {@code ports} local ports
     * (more than {@code open} when closed ones linger in TIME_WAIT) fit the ephemeral ranges.
     */
    static void checkConnections(int open, int ports, int sourceAddresses) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            checkFileDescriptors(open, unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount());
        }
        checkPorts(ports, sourceAddresses, ephemeralPorts());
    }

    /** Delivery tracking grows with the square of the room size; it may use half the heap. */
    static void checkMemory(long trackerBytes, long maxHeap) {
        if (trackerBytes > maxHeap / 2) {
            throw new LoadgenSetupException(String.format(java.util.Locale.ROOT,
                    "tracking deliveries in rooms this large needs %,d MB but the heap is %,d MB; "
                            + "use more --rooms or give the JVM more memory (java -Xmx...)",
                    trackerBytes >> 20, maxHeap >> 20));
        }
    }

    static void checkFileDescriptors(int clients, long open, long max) {
        long needed = open + clients + HEADROOM;
        if (needed > max) {
            throw new LoadgenSetupException(clients + " clients need about " + needed + " open files (" + open
                    + " open now, " + HEADROOM + " headroom) but this process may open only " + max
                    + "; raise the limit (ulimit -n " + needed + ") or run fewer clients");
        }
    }

    static void checkPorts(int clients, int sourceAddresses, int portsPerAddress) {
        int addresses = Math.max(1, sourceAddresses);
        long capacity = (long) addresses * portsPerAddress;
        if (clients > capacity) {
            long needed = (clients + portsPerAddress - 1) / portsPerAddress;
            throw new LoadgenSetupException(clients + " clients need " + needed + " source addresses ("
                    + portsPerAddress + " ephemeral ports each) but " + addresses + " "
                    + (sourceAddresses == 0 ? "(the default)" : "given")
                    + "; use e.g. --source-addresses 127.0.0.1-127.0.0." + needed);
        }
    }

    /** The size of the kernel's ephemeral port range, or the Linux default if unreadable. */
    static int ephemeralPorts() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_PORTS;
        }
    }
}
