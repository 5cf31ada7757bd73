package dev.parley.admin;

import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.ChatRequest;
import dev.parley.protocol.pb.CreateRoomRequest;
import dev.parley.protocol.pb.CreateRoomResponse;
import dev.parley.protocol.pb.JoinRoomRequest;
import dev.parley.protocol.pb.JoinRoomResponse;
import dev.parley.protocol.pb.MemberJoinedNotify;
import dev.parley.testing.AdminHttp;
import dev.parley.testing.TestClient;
import dev.parley.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin port scraped over real HTTP after real chat traffic. */
class MetricsEndpointTest {

    @TempDir
    Path dir;

    private static HttpResponse<String> get(TestServer s, String path) throws Exception {
        return AdminHttp.get(s, path);
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
            found = true;
        }
        assertThat(found).as("series %s in scrape", series).isTrue();
        return total;
    }

    @Test
    void metricsCountRequestsDeliveriesAndConnections() throws Exception {
        try (TestServer server = TestServer.start(dir);
             TestClient a = server.login("alice");
             TestClient b = server.login("bob")) {
            a.send(CreateRoomRequest.newBuilder().setName("m").build());
            long room = a.expect(CreateRoomResponse.class).getRoom().getRoomId();
            b.send(JoinRoomRequest.newBuilder().setRoomId(room).build());
            b.expect(JoinRoomResponse.class);
            a.expect(MemberJoinedNotify.class);
            for (int i = 0; i < 5; i++) {
                a.send(ChatRequest.newBuilder().setText("hi " + i).build());
            }
            for (int i = 0; i < 5; i++) {
                a.expect(ChatNotify.class);
                b.expect(ChatNotify.class);
            }

            HttpResponse<String> r = get(server, "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String scrape = r.body();
            // 2 logins + create + join + 5 chats
            assertThat(value(scrape, "parley_requests_total")).isEqualTo(9);
            assertThat(scrape).contains("parley_requests_total{type=\"chat_request\"} 5.0");
            // 5 chats to 2 members + 1 joined notice
            assertThat(value(scrape, "parley_deliveries_total")).isEqualTo(11);
            assertThat(value(scrape, "parley_notifies_total")).isEqualTo(6);
            assertThat(value(scrape, "parley_connections")).isEqualTo(2);
            assertThat(value(scrape, "parley_rooms")).isEqualTo(1);
            assertThat(value(scrape, "parley_handling_latency_seconds_count")).isEqualTo(5);
            assertThat(value(scrape, "parley_socket_flushes_total")).isBetween(1.0, 11.0);
            assertThat(scrape).contains("parley_received_bytes_total", "parley_sent_bytes_total", "parley_socket_reads_total",
                    "parley_jobqueue_depth", "parley_jobqueue_peak", "parley_direct_memory_used_bytes",
                    "parley_logins_total{result=\"ok\"} 2.0", "parley_protocol_violations_total",
                    "parley_rate_limited_total", "parley_slow_reader_disconnects_total",
                    "jvm_memory_used_bytes", "jvm_buffer_memory_used_bytes", "process_cpu_usage");

            String line = server.server().stats().line();
            assertThat(line).contains("deliveries ", "deliveries/flush ", "jobq ", "conns 2", "handling avg ");
        }
    }

    @Test
    void healthIsUpWhileServingAndUnknownPathsAre404() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            HttpResponse<String> h = get(server, "/health");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).contains("\"status\":\"UP\"", "\"connections\":0", "\"rooms\":0");
            assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
            HttpResponse<String> live = get(server, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("\"status\":\"UP\"");
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"").doesNotContain("reasons");
            assertThat(get(server, "/health/ready/more").statusCode()).isEqualTo(404);
            String scrape = get(server, "/metrics").body();
            assertThat(scrape).contains("parley_db_breaker_state 0.0", "parley_db_breaker_rejections_total 0.0",
                    "parley_logins_throttled_total{reason=\"name\"} 0.0", "parley_registrations_refused_total 0.0",
                    "parley_logins_busy_total{reason=\"hash_queue\"} 0.0");
        }
    }
}
