package org.igdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it (the tar.gz this build made): unpacked in a folder of its own and started
 * by its script from another folder, in the demo profile, with nothing of the project around it.
 */
class DistributionIT {

    @TempDir
    Path temp;

    @Test
    void theUnpackedDistributionRunsTheDemoFromAnotherFolderAndStopsCleanly() throws Exception {
        Path installed = unpack(Path.of(System.getProperty("distribution.archive")), Files.createDirectories(temp.resolve("opt")));
        Path work = Files.createDirectories(temp.resolve("elsewhere"));
        // the operator's edit of the distribution's settings file takes effect without a rebuild
        Path settings = installed.resolve("conf/application.properties");
        Files.writeString(settings, Files.readString(settings).replace("camel.main.name = ig-dm-gateway", "camel.main.name = gateway-of-conf"));
        // only the ports are chosen here, so that this run collides with no other; everything else is the demo's
        Map<String, String> ports = Map.of(
                "gateway.jms.port", Integer.toString(RunningGateway.freePort()),
                "gateway.http.port", Integer.toString(RunningGateway.freePort()),
                "gateway.demo.sandbox-port", Integer.toString(RunningGateway.freePort()));
        List<String> command = new ArrayList<>(List.of(installed.resolve("bin/ig-dm-gateway").toString(), "-Dcamel.main.profile=demo"));
        command.addAll(GatewayProcess.systemProperties(ports));
        ProcessBuilder script = new ProcessBuilder(command).directory(work.toFile());
        script.environment().put("JAVA_HOME", System.getProperty("java.home"));
        List.of("GATEWAY_CONFIG", "GATEWAY_ROUTES", "CAMEL_MAIN_PROFILE", "JAVA_OPTS").forEach(script.environment()::remove);

        try (GatewayProcess gateway = GatewayProcess.start(script, temp.resolve("gateway.log"), ports)) {
            // the sample batches, dropped into the inbox of the working folder, end in both sinks there
            RunningGateway.Sinks sinks = new RunningGateway.Sinks(work);
            await().atMost(Duration.ofSeconds(60)).until(() -> !sinks.sent().isEmpty() && !sinks.failed().isEmpty());
            assertThat(sinks.sent()).allSatisfy(record -> {
                assertThat(record.path("source").asText()).startsWith("file:demo-batch.");
                assertThat(record.path("message_id").asText()).startsWith("mid.");
            });
            assertThat(sinks.failed()).allSatisfy(record -> assertThat(record.path("source").asText()).startsWith("file:demo-batch."));
            assertThat(work.resolve("data/demo")).isDirectory();

            // the distribution's own settings file and route files are the ones in use
            assertThat(gateway.logText())
                    .contains("Settings from " + settings + ", on top of the packaged application.properties")
                    .contains("Apache Camel 4.18.0 (gateway-of-conf) started")
                    .contains("Routes from " + installed.resolve("routes/file-source.camel.yaml") + " (instead of the packaged")
                    .contains("Routes from " + installed.resolve("routes/jms-source.camel.yaml"))
                    .contains("Routes from " + installed.resolve("routes/http-source.camel.yaml"));

            assertThat(gateway.terminate()).isIn(0, 143);
            assertThat(gateway.logText()).contains("Graph API sandbox stopped").containsPattern("gateway-of-conf\\) shutdown in");
        }
    }

    /** Unpacks the archive with tar, as an operator would; returns the one folder it holds. */
    private static Path unpack(Path archive, Path into) throws Exception {
        assertThat(archive).as("the distribution this build packed").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        try (Stream<Path> entries = Files.list(into)) {
            List<Path> folders = entries.toList();
            assertThat(folders).as("what " + archive + " holds").hasSize(1);
            return folders.get(0);
        }
    }
}
