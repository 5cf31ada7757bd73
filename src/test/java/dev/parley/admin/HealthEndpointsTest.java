package dev.parley.admin;

import dev.parley.testing.AdminHttp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness and readiness over real HTTP as the readiness checks and the shutdown change. */
class HealthEndpointsTest {

    @Test
    void readyFollowsItsChecksAndShutdownWhileLiveStaysUp() throws Exception {
        AtomicReference<Map<String, String>> problems = new AtomicReference<>(Map.of());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (AdminServer admin = new AdminServer("127.0.0.1", 0, registry, () -> Map.of("connections", 3),
                problems::get)) {
            assertThat(status(admin, "/health/ready")).isEqualTo(200);

            problems.set(Map.of("database", "unreachable"));
            HttpResponse<String> notReady = AdminHttp.get(admin.address(), "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(notReady.body()).isEqualTo(
                    "{\"status\":\"DOWN\",\"reasons\":{\"database\":\"unreachable\"},\"connections\":3}");
            assertThat(status(admin, "/health/live")).as("the process serves").isEqualTo(200);
            assertThat(status(admin, "/health")).as("/health as before: up until shutdown").isEqualTo(200);

            problems.set(Map.of());
            assertThat(status(admin, "/health/ready")).isEqualTo(200);

            admin.markShuttingDown();
            HttpResponse<String> stopping = AdminHttp.get(admin.address(), "/health/ready");
            assertThat(stopping.statusCode()).isEqualTo(503);
            assertThat(stopping.body()).contains("\"server\":\"shutting down\"");
            assertThat(status(admin, "/health")).isEqualTo(503);
            assertThat(status(admin, "/health/live")).isEqualTo(200);
        } finally {
            registry.close();
        }
    }

    private static int status(AdminServer admin, String path) throws Exception {
        return AdminHttp.get(admin.address(), path).statusCode();
    }
}
