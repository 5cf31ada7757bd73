package dev.parley.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The key templates the Lua scripts fill in name the same keys as the methods the Java side uses. */
class ClusterKeysTest {

    @Test
    void templatesFilledInAreTheKeysOfTheMethods() {
        assertThat(fill(ClusterKeys.nodeLease(ClusterKeys.ID_MARK), "n-1")).isEqualTo(ClusterKeys.nodeLease("n-1"));
        assertThat(fill(ClusterKeys.nodePlayers(ClusterKeys.ID_MARK), "n-1")).isEqualTo(ClusterKeys.nodePlayers("n-1"));
        assertThat(fill(ClusterKeys.nodeMemberships(ClusterKeys.ID_MARK), "n-1"))
                .isEqualTo(ClusterKeys.nodeMemberships("n-1"));
        assertThat(fill(ClusterKeys.roomMembersTemplate(), "18446744073709551615"))
                .isEqualTo(ClusterKeys.roomMembers(-1)).isEqualTo("parley:{r18446744073709551615}:members");
        assertThat(fill(ClusterKeys.roomChannelTemplate(), "7")).isEqualTo(ClusterKeys.roomChannel(7))
                .isEqualTo("parley:{r7}:events");
    }

    /** What the scripts' fill() does: the first mark replaced by the id. */
    private static String fill(String template, String id) {
        int i = template.indexOf(ClusterKeys.ID_MARK);
        assertThat(i).as(template).isNotNegative();
        return template.substring(0, i) + id + template.substring(i + ClusterKeys.ID_MARK.length());
    }
}
