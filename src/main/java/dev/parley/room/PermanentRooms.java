package dev.parley.room;

import dev.parley.chatlog.ChatLog;
import dev.parley.history.HistoryService;
import dev.parley.protocol.pb.ChatNotify;
import dev.parley.store.MessageStore;
import dev.parley.store.RoomStore;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates the rooms named by {@code --permanent-rooms}, and those the server API created, at start. A name keeps its room id
 * across restarts, and the room continues its seq from the chat log (further ahead after a
 * crash, see {@link ChatLog#continueSeq}); its latest messages are loaded into its tail, so a
 * join right after a restart gets them without a database read. Permanent rooms stay when
 * empty.
 */
public final class PermanentRooms {

    private static final Logger log = LoggerFactory.getLogger(PermanentRooms.class);

    private PermanentRooms() {
    }

    /** Blocking; call at start, before clients connect. */
    public static void open(List<String> names, RoomStore roomStore, MessageStore messages, RoomContext context,
                            EventExecutorGroup executors, int maxMembers) throws SQLException {
        List<String> all = new ArrayList<>(names);
        for (String fromApi : roomStore.namesFromApi()) {
            if (all.stream().noneMatch(fromApi::equalsIgnoreCase)) {
                all.add(fromApi);
            }
        }
        for (String name : all) {
            openOne(name, roomStore, messages, context, executors, maxMembers, false);
        }
    }

    /**
     * Opens the permanent room {@code name} (created, or continued when it existed before) and
     * lists it; for start and for the server API. Blocking (database); any thread.
     *
     * @param fromApi created through the server API: recorded so that every start opens it again
     */
    public static Room openOne(String name, RoomStore roomStore, MessageStore messages, RoomContext context,
                               EventExecutorGroup executors, int maxMembers, boolean fromApi) throws SQLException {
        ChatLog chatLog = context.chatLog();
        HistoryService history = context.history();
        RoomDirectory directory = context.directory();
        Optional<RoomStore.PermanentRoom> found = roomStore.findPermanent(name);
        long id;
        long lastSeq;
        if (found.isPresent()) {
            id = found.get().id();
            long base = Math.max(messages.maxSeq(id), found.get().seqBase());
            lastSeq = chatLog.continueSeq(base);
            if (lastSeq != found.get().seqBase()) {
                roomStore.setSeqBase(id, lastSeq);
            }
            if (fromApi) {
                roomStore.markFromApi(id);
            }
        } else {
            id = directory.newRoomId();
            if (id == 0) {
                throw new SQLException("no room id could be reserved for permanent room " + name);
            }
            roomStore.addPermanent(id, name, fromApi);
            lastSeq = 0;
        }
        int keep = history.joinHistory();
        List<ChatNotify> preload = keep > 0 ? messages.latest(id, keep) : List.of();
        // every message above the floor is in the tail
        long floor = keep == 0 ? lastSeq : preload.size() < keep ? 0 : preload.get(0).getSeq() - 1;
        Room room = new Room(id, name, maxMembers, executors.next(), true, RoomSequence.startingAfter(lastSeq),
                history.open(id, lastSeq, preload, floor), context);
        directory.add(room);
        context.metrics().roomCreated();
        log.info("permanent {} continues at seq {}", room, lastSeq);
        return room;
    }
}
