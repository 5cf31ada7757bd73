package dev.parley.tls;

import dev.parley.logging.LogLimiter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * Sits right behind the {@code SslHandler}: counts each failed handshake by reason, logs it
 * rate-limited, and keeps TLS errors (which the {@code SslHandler} answers by closing the
 * connection itself) from reaching the session handler as unexpected errors. A plaintext client
 * on a TLS port is thus refused with one counted, rate-limited line. Reads pass it untouched.
 * Sharable; runs on each connection's event loop.
 */
@ChannelHandler.Sharable
final class HandshakeWatch extends ChannelInboundHandlerAdapter {

    private static final LogLimiter failureLog =
            new LogLimiter(LoggerFactory.getLogger(HandshakeWatch.class), Duration.ofSeconds(10));

    private final TlsMetrics metrics;

    HandshakeWatch(TlsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            TlsMetrics.Failure reason = reason(done.cause());
            metrics.handshakeFailed(reason);
            failureLog.info("TLS handshake with {} failed ({}): {}; closing", ctx.channel().remoteAddress(),
                    reason.name().toLowerCase(java.util.Locale.ROOT), done.cause().getMessage());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTls(cause)) {
            ctx.close(); // counted and logged as the handshake's failure, or a broken record after it
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    static TlsMetrics.Failure reason(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return TlsMetrics.Failure.PLAINTEXT;
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return TlsMetrics.Failure.TIMEOUT;
        }
        if (cause instanceof ClosedChannelException
                || (cause instanceof SSLException && String.valueOf(cause.getMessage()).contains("closed"))) {
            return TlsMetrics.Failure.CLOSED;
        }
        return TlsMetrics.Failure.OTHER;
    }

    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
