package dev.parley.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The browser page's files, served from the classpath folder {@value #ROOT} (in the jar). A
 * request path maps to a file only when every segment is a plain name (letters, digits,
 * {@code . _ -}, not starting with a dot) and the name's extension has a known content type:
 * so {@code ..}, encoded characters, hidden files and folders can never be reached. Files are
 * read once and kept (they are few and small; a missing one is not kept, and the jar does not change while running).
 * Thread-safe.
 */
final class StaticFiles {

    static final String ROOT = "web";
    static final String INDEX = "/index.html";
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"));

    /** One file: its bytes, content type and entity tag (a hash of the bytes). */
    record File(byte[] bytes, String contentType, String etag) {
    }

    private final ClassLoader loader;
    /** Only files that exist: a miss is not kept, so random paths cannot grow it. */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** The file for a request path (no query), or empty when there is none or the path is not allowed. */
    Optional<File> find(String path) {
        String p = path.equals("/") ? INDEX : path;
        if (!SAFE_PATH.matcher(p).matches()) {
            return Optional.empty();
        }
        String type = contentType(p);
        if (type == null) {
            return Optional.empty();
        }
        File cached = cache.get(p);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<File> file = load(p, type);
        file.ifPresent(f -> cache.put(p, f));
        return file;
    }

    /** The content type of a file name by its extension, or null when it is not one served. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private Optional<File> load(String path, String type) {
        try (InputStream in = loader.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new File(bytes, type, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + ROOT + path, e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
