package dev.parley.testing;

import dev.parley.server.ServerConfig;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Two Parley nodes in this JVM in cluster mode, on one real redis-server and one fresh
 * PostgreSQL database of their own, named "a" and "b": the setup of the in-JVM cluster tests.
 * {@link #close()} stops the nodes, then drops the database and stops Redis.
 */
public final class TwoNodeCluster implements AutoCloseable {

    public final RedisServer redis;
    public final PostgresTestDatabase db;
    public final TestServer a;
    public final TestServer b;

    private TwoNodeCluster(RedisServer redis, PostgresTestDatabase db, TestServer a, TestServer b) {
        this.redis = redis;
        this.db = db;
        this.a = a;
        this.b = b;
    }

    /** @param tweak the test's settings on top of the cluster's, applied to both nodes */
    public static TwoNodeCluster start(Path dir, Consumer<ServerConfig.Builder> tweak) throws Exception {
        RedisServer redis = RedisServer.start();
        PostgresTestDatabase db = null;
        TestServer a = null;
        try {
            db = PostgresTestDatabase.create();
            a = node(dir.resolve("a"), "a", redis, db, tweak);
            return new TwoNodeCluster(redis, db, a, node(dir.resolve("b"), "b", redis, db, tweak));
        } catch (Exception | Error e) {
            closeAll(a, db, redis);
            throw e;
        }
    }

    private static TestServer node(Path dir, String id, RedisServer redis, PostgresTestDatabase db,
                                   Consumer<ServerConfig.Builder> tweak) throws Exception {
        return TestServer.start(dir, c -> {
            c.dbUrl(db.url()).dbUser(PostgresTestDatabase.USER).clusterRedis(redis.uri()).nodeId(id);
            tweak.accept(c);
        });
    }

    @Override
    public void close() {
        closeAll(a, b, db, redis);
    }

    private static void closeAll(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }
}
