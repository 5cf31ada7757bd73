package dev.parley.loadgen;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Local IPv4 addresses connections are bound to before connecting: {@code 127.0.0.1-127.0.0.8},
 * {@code 127.0.0.1,127.0.0.2} or a mix. Each source address has its own ephemeral port range
 * (about 28,000 ports by default), so several let one run open more connections to one server
 * port. All of 127.0.0.0/8 is local on Linux.
 */
public final class SourceAddresses {

    static final int MAX_ADDRESSES = 4096;

    private SourceAddresses() {
    }

    public static List<InetAddress> parse(String spec) {
        List<InetAddress> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash < 0) {
                out.add(toAddress(toInt(p, spec)));
                continue;
            }
            long from = toInt(p.substring(0, dash).trim(), spec);
            long to = toInt(p.substring(dash + 1).trim(), spec);
            if (to < from) {
                throw new IllegalArgumentException("bad --source-addresses '" + spec + "': range " + p + " runs backwards");
            }
            if (to - from + 1 + out.size() > MAX_ADDRESSES) {
                throw new IllegalArgumentException("bad --source-addresses '" + spec + "': more than " + MAX_ADDRESSES + " addresses");
            }
            for (long a = from; a <= to; a++) {
                out.add(toAddress(a));
            }
        }
        return out;
    }

    private static long toInt(String ip, String spec) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("bad --source-addresses '" + spec + "': '" + ip + "' is not an IPv4 address");
        }
        long v = 0;
        for (String s : parts) {
            int octet;
            try {
                octet = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("bad --source-addresses '" + spec + "': '" + ip + "' is not an IPv4 address");
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    private static InetAddress toAddress(long v) {
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }
}
