package dev.parley.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {

    @Test
    void theFirstLineIsThePomVersionACommitAndTheBuildTime() throws Exception {
        String line = new Main.Version().getVersion()[0];

        assertThat(line).startsWith("parley " + pomVersion() + " (commit ");
        assertThat(line).as("an abbreviated git hash, or unknown without .git")
                .matches("parley \\S+ \\(commit ([0-9a-f]{7,40}|unknown), built (\\d{4}-\\d\\d-\\d\\dT\\S+|unknown)\\)");
    }

    @Test
    void aValueTheBuildDidNotFillInReadsUnknown() {
        Properties p = new Properties();
        p.setProperty("commit", "${git.commit.id.abbrev}");
        p.setProperty("built", " ");
        p.setProperty("version", "1.2.3");

        assertThat(Main.Version.value(p, "commit")).isEqualTo("unknown");
        assertThat(Main.Version.value(p, "built")).isEqualTo("unknown");
        assertThat(Main.Version.value(p, "missing")).isEqualTo("unknown");
        assertThat(Main.Version.value(p, "version")).isEqualTo("1.2.3");
    }

    @Test
    void versionOptionPrintsIt() {
        var out = new java.io.StringWriter();
        var cl = new picocli.CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out));
        assertThat(cl.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("parley " + pomVersion() + " (commit ");
    }

    /** The project's own version from pom.xml (the test runs in the project directory). */
    private static String pomVersion() {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
            for (var n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("version")) {
                    return e.getTextContent().trim();
                }
            }
            throw new AssertionError("no <version> in pom.xml");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
