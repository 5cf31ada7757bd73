package dev.parley.client;

import dev.parley.protocol.pb.ChatNotify;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The messages a resume shows: those the history pages filled in and those {@code recent} held,
 * each once, in seq order, and only those after the last one the client had shown.
 */
public final class MissedMessages {

    private MissedMessages() {
    }

    public static List<ChatNotify> merge(long lastSeen, List<ChatNotify> gap, List<ChatNotify> recent) {
        TreeMap<Long, ChatNotify> bySeq = new TreeMap<>();
        for (List<ChatNotify> part : List.of(gap, recent)) {
            for (ChatNotify m : part) {
                if (m.getSeq() > lastSeen) {
                    bySeq.putIfAbsent(m.getSeq(), m);
                }
            }
        }
        return new ArrayList<>(bySeq.values());
    }
}
