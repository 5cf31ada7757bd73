package dev.parley.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The readiness contract's document: written atomically, read back as written. */
class ReadyFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsWithAndWithoutAnAdminPort() throws IOException {
        Path file = dir.resolve("sub").resolve("ready.properties");
        ReadyFile withAdmin = new ReadyFile(4242, "epoll", 41385, 9777, 7780);
        withAdmin.writeTo(file);
        assertThat(Files.readString(file)).isEqualTo("pid=4242\ntransport=epoll\nclient-port=41385\nadmin-port=9777\nws-port=7780\n");
        assertThat(ReadyFile.read(file)).isEqualTo(withAdmin);

        ReadyFile noAdmin = new ReadyFile(4242, "nio", 7777, ReadyFile.NO_ADMIN_PORT, ReadyFile.NO_PORT);
        noAdmin.writeTo(file); // replaces
        assertThat(Files.readString(file)).contains("admin-port=none", "ws-port=none");
        assertThat(ReadyFile.read(file)).isEqualTo(noAdmin);
        assertThat(ReadyFile.read(file).hasAdminPort()).isFalse();
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left beside it").containsExactly(file);
        }
    }

    @Test
    void aFileWithoutAWebSocketPortReadsAsNone() throws IOException {
        assertThat(ReadyFile.parse("pid=1\ntransport=nio\nclient-port=7777\nadmin-port=none\n", "x").wsPort())
                .isEqualTo(ReadyFile.NO_PORT);
    }

    @Test
    void anIncompleteDocumentIsAnError() {
        assertThatThrownBy(() -> ReadyFile.parse("pid=1\ntransport=nio\nadmin-port=none\n", "x"))
                .isInstanceOf(IOException.class).hasMessage("ready file x has no client-port");
        assertThatThrownBy(() -> ReadyFile.parse("pid=1\ntransport=nio\nclient-port=http\nadmin-port=none\n", "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("malformed ready file x");
    }
}
