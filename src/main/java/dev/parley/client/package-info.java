/**
 * The Parley client library: a Java SDK for bots, game servers and tests that talk to a Parley
 * chat server. {@link dev.parley.client.ParleyClient} is the entry point; it speaks the wire
 * protocol of {@code docs/protocol.md}, matches replies to requests, and restores a lost
 * connection (log in again, rejoin its rooms, fill the gaps from history, resend unacknowledged
 * chat) so that the listener sees every message of each of its rooms once, in order.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder("127.0.0.1", 7777)
 *         .name("quest-bot").password(System.getenv("BOT_PASSWORD"))
 *         .build();                                   // reconnects for up to a minute by default
 * ParleyListener listener = new ParleyListener() {
 *     public void onChat(ChatNotify m) {              // on the client thread: do not block here
 *         System.out.println(m.getSender().getName() + ": " + m.getText());
 *     }
 *
 *     public void onConnectionRestored(Resumption r) {
 *         r.missed().forEach(this::onChat);           // what was said while the connection was down
 *     }
 * };
 * try (ParleyClient client = ParleyClient.open(config, listener)) {   // connects and logs in
 *     RoomInfo lobby = client.await(client.listRooms()).stream()
 *             .filter(r -> r.getName().equals("lobby")).findFirst().orElseThrow();
 *     JoinRoomResponse joined = client.await(client.join(lobby.getRoomId()));
 *     joined.getRecentList().forEach(listener::onChat);                 // context from before we came
 *     client.chat("hello, lobby").thenAccept(echo -> System.out.println("sent as #" + echo.getSeq()));
 *     ...
 * }
 * }</pre>
 *
 * <p>Every request returns a {@code CompletableFuture}; {@link dev.parley.client.ParleyClient#await}
 * blocks for one from an application thread. Listener methods and future completions run on the
 * client's own thread; see {@link dev.parley.client.ParleyClient} for the thread rules and
 * {@code docs/client-library.md} for the reconnect and resume guarantees.
 *
 * <p>This package depends only on the JDK, Netty, protobuf, SLF4J and the generated protocol
 * classes ({@code dev.parley.protocol}), never on the server. {@code dev.parley.client.console} is
 * the console chat client built on it.
 */
package dev.parley.client;
