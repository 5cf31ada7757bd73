package dev.parley.protocol;

import dev.parley.protocol.pb.ChatKind;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.protocol.pb.DirectMessageNotify;

/**
 * The protocol's rule for edits and deletes (docs/protocol.md, "Edits and deletes"), in one
 * place: an EDIT or DELETE {@link ChatNotify} whose target_seq is another message is an
 * <em>event</em> that changes that message; one whose target_seq is its own seq is a message
 * in its <em>final state</em> (edited, or a tombstone), as history returns it. A client applies
 * both the same way: message target_seq takes this kind and text. Direct messages follow the
 * same rule ({@link #isEvent(DirectMessageNotify)}). Pure functions; any thread.
 */
public final class ChatEvents {

    private ChatEvents() {
    }

    /** An EDIT or DELETE event that changes another message. */
    public static boolean isEvent(ChatNotify m) {
        return isChange(m.getKind()) && m.getTargetSeq() != m.getSeq();
    }

    /** An EDIT or DELETE event that changes another direct message of its conversation. */
    public static boolean isEvent(DirectMessageNotify m) {
        return isChange(m.getKind()) && m.getTargetSeq() != m.getSeq();
    }

    /** Message {@code m} was deleted: a tombstone. */
    public static boolean isDeleted(ChatNotify m) {
        return m.getKind() == ChatKind.CHAT_KIND_DELETE;
    }

    /**
     * {@code target} after {@code event}: the event's kind and text, target_seq its own seq;
     * sender and time stay the original's.
     */
    public static ChatNotify finalState(ChatNotify target, ChatNotify event) {
        return target.toBuilder().setKind(event.getKind()).setText(event.getText())
                .setTargetSeq(target.getSeq()).build();
    }

    private static boolean isChange(ChatKind kind) {
        return kind == ChatKind.CHAT_KIND_EDIT || kind == ChatKind.CHAT_KIND_DELETE;
    }
}
