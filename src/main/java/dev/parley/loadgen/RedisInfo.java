package dev.parley.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis server's own CPU time and network totals, from one {@code INFO} over a plain socket
 * (RESP; no client library, so sampling it adds one short connection and nothing else to Redis).
 * Caller's thread.
 */
final class RedisInfo {

    private static final int TIMEOUT_MILLIS = 5_000;

    /** CPU seconds (user + system, main and other threads) and bytes in and out since Redis started. */
    record Totals(double cpuSeconds, long netInputBytes, long netOutputBytes) {
    }

    private final String host;
    private final int port;
    /** AUTH arguments (password, or user and password); empty without. */
    private final List<String> auth;

    /** {@code uri}: {@code redis://[[user]:password@]host[:port]}. */
    RedisInfo(String uri) {
        URI u = URI.create(uri);
        if (!"redis".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--redis-uri must be redis://host[:port], not '" + uri + "'");
        }
        this.host = u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : 6379;
        List<String> a = new ArrayList<>();
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            if (up.length == 2 && !up[0].isEmpty()) {
                a.add(URLDecoder.decode(up[0], StandardCharsets.UTF_8));
            }
            a.add(URLDecoder.decode(up[up.length - 1], StandardCharsets.UTF_8));
        }
        this.auth = List.copyOf(a);
    }

    int port() {
        return port;
    }

    String address() {
        return host + ":" + port;
    }

    Totals read() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (!auth.isEmpty()) {
                List<String> cmd = new ArrayList<>(List.of("AUTH"));
                cmd.addAll(auth);
                out.write(command(cmd));
                String line = line(in);
                if (!line.startsWith("+")) {
                    throw new IOException("Redis refused AUTH: " + line);
                }
            }
            out.write(command(List.of("INFO")));
            return parse(bulk(in));
        }
    }

    static byte[] command(List<String> args) {
        StringBuilder sb = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String bulk(InputStream in) throws IOException {
        String header = line(in);
        if (!header.startsWith("$")) {
            throw new IOException("Redis answered INFO with " + header);
        }
        int len = Integer.parseInt(header.substring(1));
        byte[] body = in.readNBytes(len);
        if (body.length < len) {
            throw new IOException("Redis closed the connection in the middle of INFO");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The totals from an INFO text; fails naming a field that is missing. */
    static Totals parse(String info) {
        double cpu = 0;
        long in = -1;
        long out = -1;
        boolean sys = false;
        boolean user = false;
        for (String raw : info.split("\n")) {
            String line = raw.strip();
            int colon = line.indexOf(':');
            if (colon < 0 || line.startsWith("#")) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1);
            switch (key) {
                case "used_cpu_sys" -> {
                    cpu += Double.parseDouble(value);
                    sys = true;
                }
                case "used_cpu_user" -> {
                    cpu += Double.parseDouble(value);
                    user = true;
                }
                case "total_net_input_bytes" -> in = Long.parseLong(value);
                case "total_net_output_bytes" -> out = Long.parseLong(value);
                default -> {
                }
            }
        }
        if (!sys || !user || in < 0 || out < 0) {
            throw new IllegalArgumentException("INFO lacks used_cpu_sys, used_cpu_user, total_net_input_bytes or "
                    + "total_net_output_bytes");
        }
        return new Totals(cpu, in, out);
    }
}
