package dev.parley.protocol;

import dev.parley.protocol.pb.ErrorNotify;
import dev.parley.protocol.pb.MsgType;
import dev.parley.protocol.pb.Result;

/** Builders for the error replies every service sends. */
public final class Replies {
    private Replies() {
    }

    public static ErrorNotify error(Result result, String reason, MsgType requestType, long clientMsgId) {
        return ErrorNotify.newBuilder().setResult(result).setReason(reason)
                .setRequestType(requestType).setClientMsgId(clientMsgId).build();
    }

    public static ErrorNotify error(Result result, String reason, MsgType requestType) {
        return error(result, reason, requestType, 0);
    }
}
