package dev.parley.client;

import com.google.protobuf.MessageLite;
import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.PongResponse;
import dev.parley.protocol.pb.Result;
import dev.parley.protocol.pb.RoomListResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reply correlation with replies fed in by hand and timers fired by the test. */
class PendingRequestsTest {

    private final List<Runnable> timers = new ArrayList<>();
    private final PendingRequests pending = new PendingRequests((after, onTimeout) -> {
        timers.add(onTimeout);
        return () -> timers.remove(onTimeout);
    });

    private static Predicate<MessageLite> pong(long nonce) {
        return m -> m instanceof PongResponse p && p.getNonce() == nonce
                || m instanceof ErrorNotify e && e.getRequestType() == MsgType.PING_REQUEST;
    }

    private static PongResponse pongOf(long nonce) {
        return PongResponse.newBuilder().setNonce(nonce).build();
    }

    private CompletableFuture<MessageLite> expectPong(long nonce) {
        return pending.expect(pong(nonce), m -> {
            if (m instanceof ErrorNotify e) {
                throw new RequestRefusedException(e.getResult(), e.getResultValue(), e.getReason(), e.getRequestType());
            }
            return m;
        }, Duration.ofSeconds(5));
    }

    @Test
    void repliesGoToTheRequestTheyMatchWhateverTheirOrder() {
        CompletableFuture<MessageLite> one = expectPong(1);
        CompletableFuture<MessageLite> two = expectPong(2);
        assertThat(pending.offer(pongOf(2))).isTrue();
        assertThat(two).isCompletedWithValue(pongOf(2));
        assertThat(one).isNotDone();
        assertThat(pending.offer(RoomListResponse.getDefaultInstance())).as("answers nothing waiting").isFalse();
        assertThat(pending.offer(pongOf(1))).isTrue();
        assertThat(one).isCompletedWithValue(pongOf(1));
        assertThat(timers).as("answered requests stop their timers").isEmpty();
    }

    @Test
    void anErrorWithoutAnIdGoesToTheOldestRequestOfItsType() {
        CompletableFuture<MessageLite> one = expectPong(1);
        CompletableFuture<MessageLite> two = expectPong(2);
        pending.offer(ErrorNotify.newBuilder().setResult(Result.RATE_LIMITED).setRequestType(MsgType.PING_REQUEST).build());
        assertThatThrownBy(one::join).cause().isInstanceOfSatisfying(RequestRefusedException.class,
                e -> assertThat(e.result()).isEqualTo(Result.RATE_LIMITED));
        assertThat(two).isNotDone();
    }

    @Test
    void aTimedOutRequestFailsAndItsLateReplyAnswersNothing() {
        CompletableFuture<MessageLite> slow = expectPong(1);
        timers.get(0).run();
        assertThatThrownBy(slow::join).cause().isInstanceOf(ReplyTimeoutException.class)
                .hasMessage("no reply from the server within 5 s");
        assertThat(pending.offer(pongOf(1))).isFalse();
    }

    @Test
    void aClosedConnectionFailsWaitingAndLaterRequests() {
        CompletableFuture<MessageLite> waiting = expectPong(1);
        pending.close(new ConnectionLostException(null));
        assertThatThrownBy(waiting::join).cause().isInstanceOf(ConnectionLostException.class)
                .hasMessage("the server closed the connection");
        assertThat(expectPong(2)).isCompletedExceptionally();
        assertThat(timers).isEmpty();
    }
}
