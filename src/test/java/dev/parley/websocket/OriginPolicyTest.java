package dev.parley.websocket;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginPolicyTest {

    @Test
    void thisHostAndNonBrowsersAlwaysListedOnesToo() {
        OriginPolicy p = OriginPolicy.of(List.of("https://game.example.com"));
        assertThat(p.allows(null, "chat.example.com:7780")).as("no Origin: not a browser").isTrue();
        assertThat(p.allows("http://chat.example.com:7780", "chat.example.com:7780")).as("this host's page").isTrue();
        assertThat(p.allows("http://CHAT.example.com:7780", "chat.example.com:7780")).isTrue();
        assertThat(p.allows("https://game.example.com", "chat.example.com:7780")).isTrue();
        assertThat(p.allows("https://GAME.example.com", "chat.example.com:7780")).isTrue();
        assertThat(p.allows("https://game.example.com:444", "chat.example.com:7780")).as("another port").isFalse();
        assertThat(p.allows("http://chat.example.com:7781", "chat.example.com:7780")).as("another port of this host").isFalse();
        assertThat(p.allows("null", "chat.example.com:7780")).as("a sandboxed page or a file").isFalse();
        assertThat(p.allows("https://evil.example.net", null)).isFalse();
    }

    @Test
    void aStarAllowsAnyPage() {
        assertThat(OriginPolicy.of(List.of("*")).allows("https://anything.example", "x:1")).isTrue();
        assertThat(OriginPolicy.of(List.of()).allows("https://anything.example", "x:1")).isFalse();
    }
}
