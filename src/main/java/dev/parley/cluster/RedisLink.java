package dev.parley.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * This node's two connections to the cluster's Redis (through Lettuce): one for commands and Lua
 * scripts, pipelined, and one for pub/sub. Keys are strings, values bytes (protobuf).
 *
 * <p>Threads: any thread sends commands; their futures and channel listeners complete on
 * Lettuce's I/O threads, in the order Redis sent the replies and messages, so a listener must
 * only hand its message on (to a room's job queue) and never block. While Redis is unreachable
 * commands fail at once ({@link #reachable()} false); Lettuce reconnects by itself and
 * re-subscribes every channel, after which the {@link #onReconnect} tasks run (a room then
 * fills, from its log, what it may have missed meanwhile).
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    /** How long a command may take before it fails (the caller then refuses or retries). */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> commands;
    private final StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private final ConcurrentMap<String, Consumer<byte[]>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> reconnectTasks = new CopyOnWriteArrayList<>();
    private volatile boolean commandsUp = true;
    private volatile boolean pubSubUp = true;
    private volatile boolean closing;

    private RedisLink(ClientResources resources, RedisClient client, StatefulRedisConnection<String, byte[]> commands,
                      StatefulRedisPubSubConnection<String, byte[]> pubSub) {
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /**
     * Connects to {@code uri}; fails with a one-line IOException when Redis cannot be reached now
     * (a node does not start without its cluster).
     */
    public static RedisLink connect(String uri) throws IOException {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
                .build();
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected: the caller answers SERVER_BUSY rather than queue without bound
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build());
        try {
            StatefulRedisConnection<String, byte[]> commands = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, byte[]> pubSub = client.connectPubSub(CODEC);
            RedisLink link = new RedisLink(resources, client, commands, pubSub);
            link.listen();
            return link;
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IOException("cannot reach the cluster's Redis at " + redisUri.getHost() + ":" + redisUri.getPort()
                    + " (cluster-redis): " + rootMessage(e), e);
        }
    }

    private void listen() {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                Consumer<byte[]> listener = listeners.get(channel);
                if (listener != null) {
                    listener.accept(message);
                }
            }
        });
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, SocketAddress address) {
                boolean wasDown = !commandsUp || !pubSubUp;
                if (connection == commands) {
                    commandsUp = true;
                } else if (connection == pubSub) {
                    pubSubUp = true;
                }
                if (wasDown && commandsUp && pubSubUp && !closing) {
                    log.info("cluster Redis reachable again at {}", address);
                    for (Runnable task : reconnectTasks) {
                        task.run();
                    }
                }
            }

            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                if (connection == commands) {
                    commandsUp = false;
                } else if (connection == pubSub) {
                    pubSubUp = false;
                }
                if (!closing) {
                    log.warn("cluster Redis connection lost; reconnecting (chat is refused meanwhile)");
                }
            }

            @Override
            public void onRedisExceptionCaught(io.lettuce.core.RedisChannelHandler<?, ?> connection, Throwable cause) {
            }
        });
    }

    /** The commands, asynchronous and pipelined. */
    public RedisAsyncCommands<String, byte[]> commands() {
        return commands.async();
    }

    /** Whether both connections are up now. */
    public boolean reachable() {
        return commandsUp && pubSubUp && commands.isOpen() && pubSub.isOpen();
    }

    /** Runs {@code task} on a Lettuce thread each time Redis is reachable again after being lost. */
    public void onReconnect(Runnable task) {
        reconnectTasks.add(task);
    }

    /**
     * Listens to {@code channel} (replacing an earlier listener of it); the future completes once
     * Redis confirmed the subscription, so that nothing published afterwards is missed.
     */
    public CompletionStage<Void> subscribe(String channel, Consumer<byte[]> listener) {
        listeners.put(channel, listener);
        return pubSub.async().subscribe(channel).thenApply(v -> null);
    }

    /** Stops listening to {@code channel}. */
    public CompletionStage<Void> unsubscribe(String channel) {
        listeners.remove(channel);
        return pubSub.async().unsubscribe(channel).thenApply(v -> null);
    }

    /** Whether this node listens to {@code channel} now. */
    public boolean subscribed(String channel) {
        return listeners.containsKey(channel);
    }

    /** Publishes {@code message} on {@code channel}; completes with how many nodes received it. */
    public CompletionStage<Long> publish(String channel, byte[] message) {
        return commands.async().publish(channel, message);
    }

    /**
     * Runs {@code script}. Always by EVAL, not EVALSHA: a NOSCRIPT retry (after a Redis restart)
     * would let a later script overtake an earlier one of the same connection, and a join must
     * not overtake its own leave. Redis caches the compiled script by its body either way.
     */
    public <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, byte[]... args) {
        return commands.async().<T>eval(script.body(), type, keys, args).toCompletableFuture();
    }

    /** The innermost message of a Redis failure, for one-line logs and client reasons. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        closing = true;
        pubSub.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
