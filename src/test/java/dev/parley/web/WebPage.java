package dev.parley.web;

import dev.parley.testing.TestServer;

/** Where a test server's WebSocket listener serves the chat page. */
final class WebPage {

    private WebPage() {
    }

    static String url(TestServer server) {
        return "http://127.0.0.1:" + server.server().webSocketAddress().getPort() + "/";
    }
}
