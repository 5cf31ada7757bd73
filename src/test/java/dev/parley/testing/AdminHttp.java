package dev.parley.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET requests to a server's admin HTTP port, as a scraper or load balancer sends them. */
public final class AdminHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminHttp() {
    }

    public static HttpResponse<String> get(TestServer server, String path) throws IOException, InterruptedException {
        return get(server.server().adminAddress(), path);
    }

    public static HttpResponse<String> get(InetSocketAddress admin, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
