package dev.parley.direct;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockListTest {

    @Test
    void changesMakeNewListsAndLeaveTheOldOnesAsTheyWere() {
        BlockList none = BlockList.of();
        assertThat(none).isSameAs(BlockList.EMPTY);
        BlockList one = none.with(42);
        assertThat(none.contains(42)).isFalse();
        assertThat(one.contains(42)).isTrue();
        BlockList three = one.with(7).with(99).with(42);
        assertThat(three.size()).isEqualTo(3);
        assertThat(three.contains(7)).isTrue();
        assertThat(three.contains(8)).isFalse();
        BlockList two = three.without(42);
        assertThat(two.contains(42)).isFalse();
        assertThat(three.contains(42)).isTrue();
        assertThat(two.without(1234)).isSameAs(two);
        assertThat(one.without(42)).isSameAs(BlockList.EMPTY);
        assertThat(BlockList.of(5, 3, 5, 1).size()).isEqualTo(3);
    }
}
