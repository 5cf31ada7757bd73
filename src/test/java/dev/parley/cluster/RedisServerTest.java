package dev.parley.cluster;

import dev.parley.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test utility RedisServer: a real redis-server that answers, and comes back empty on the same port. */
class RedisServerTest {

    @Test
    void restartComesBackEmptyOnTheSamePortAndStopTakesItAway() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisLink link = RedisLink.connect(redis.uri())) {
            link.commands().set("k", "v".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            assertThat(link.commands().get("k").get(5, TimeUnit.SECONDS)).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            int port = redis.port();

            redis.restart();

            assertThat(redis.port()).isEqualTo(port);
            try (RedisLink fresh = RedisLink.connect(redis.uri())) {
                assertThat(fresh.commands().get("k").get(5, TimeUnit.SECONDS)).isNull();
            }
            redis.stop();
            assertThat(redis.running()).isFalse();
            assertThatThrownBy(() -> RedisLink.connect(redis.uri())).hasMessageContaining("cannot reach");
        }
    }
}
