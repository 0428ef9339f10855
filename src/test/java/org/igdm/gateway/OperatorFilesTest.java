package org.igdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.Route;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator changes without compiling: routes in a folder of theirs, settings in a file of theirs. */
class OperatorFilesTest {

    @TempDir
    Path home;

    @AfterEach
    void noSettingsFileNamed() {
        System.clearProperty(Application.CONFIG);
    }

    @Test
    void withoutAnOperatorFolderEveryPackagedRouteRuns() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(home, RunningGateway.defaults(home, "http://127.0.0.1:9"))) {
            assertThat(gateway.context().getRoutes()).extracting(Route::getRouteId)
                    .contains("file-source", "http-send", "http-bulk", "http-openapi", "jms-source");
            // from the classpath (the classes or the jar), not from a routes/ folder of the working directory
            assertThat(gateway.context().getRoute("jms-source").getSourceLocation()).startsWith("classpath:routes/jms-source.camel.yaml:");
        }
    }

    /** application.properties names the packaged route files one by one (a pattern costs a scan of the jar). */
    @Test
    void everyPackagedRouteFileIsNamedInTheSettings() throws Exception {
        Properties settings = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("application.properties"))) {
            settings.load(file);
        }
        List<String> named = Arrays.stream(settings.getProperty("camel.main.routes-include-pattern").split(","))
                .map(String::strip).toList();
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            assertThat(named).containsExactlyInAnyOrderElementsOf(packaged.map(file -> "classpath:routes/" + file.getFileName()).toList());
        }
    }

    @Test
    void anOperatorFileReplacesThePackagedRouteOfItsNameAndAnotherAddsRoutes() throws Exception {
        Path routes = Files.createDirectories(home.resolve("my-routes"));
        Files.writeString(routes.resolve("http-source.camel.yaml"), """
                - route:
                    id: http-send
                    from:
                      uri: platform-http:/messages
                      steps:
                        - setBody:
                            constant: the operator's own door
                """);
        Files.writeString(routes.resolve("hello.camel.yaml"), """
                - route:
                    id: hello
                    from:
                      uri: platform-http:/hello
                      steps:
                        - setBody:
                            constant: hello from an added route
                """);
        Files.writeString(routes.resolve("notes.txt"), "not a route");
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
        settings.put("gateway.routes", routes.toString());

        try (RunningGateway gateway = RunningGateway.start(home, settings)) {
            HttpResponse<String> replaced = gateway.http().post("/messages", "{}");
            assertThat(replaced.body()).isEqualTo("the operator's own door");
            assertThat(gateway.http().get("/hello").body()).isEqualTo("hello from an added route");
            // the packaged file's other routes went with it; the other packaged files still run
            assertThat(gateway.context().getRoutes()).extracting(Route::getRouteId)
                    .contains("file-source", "jms-source", "http-send", "hello")
                    .doesNotContain("http-bulk", "http-openapi");
        }
    }

    @Test
    void anOperatorFolderThatIsNotThereStopsTheStartNamingTheSetting() {
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
        settings.put("gateway.routes", home.resolve("no-such-folder").toString());

        assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                .hasStackTraceContaining("gateway.routes names " + home.resolve("no-such-folder"))
                .hasStackTraceContaining("which is not a folder");
    }

    @Test
    void theOperatorsSettingsFileIsReadOnTopOfThePackagedOneAndSystemPropertiesStillWin() throws Exception {
        try (GraphStub meta = new GraphStub()) {
            Path file = home.resolve("conf/application.properties");
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n",
                    "ig.user-id = " + RunningGateway.USER_ID,
                    "ig.access-token = from-the-operators-file",
                    "ig.graph-url = http://127.0.0.1:9", ""));
            System.setProperty(Application.CONFIG, file.toString());
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            settings.remove("ig.user-id");
            settings.remove("ig.access-token");

            try (RunningGateway gateway = RunningGateway.start(home, settings)) {
                gateway.producer().request("direct:deliver", e -> e.getMessage().setBody("{\"recipient_id\":\"1\",\"message\":\"m\"}"));

                // the account and token come from the file; the graph URL given as an override wins over it
                assertThat(meta.sends()).singleElement().satisfies(call -> {
                    assertThat(call.getUrl()).isEqualTo(GraphStub.PATH);
                    assertThat(GraphStub.form(call)).containsEntry("access_token", "from-the-operators-file");
                });
            }
        }
    }

    @Test
    void aSettingsFileThatIsNotThereStopsTheStartNamingIt() {
        System.setProperty(Application.CONFIG, home.resolve("missing.properties").toString());

        assertThatThrownBy(Application::create)
                .hasMessageContaining("gateway.config (or GATEWAY_CONFIG) names " + home.resolve("missing.properties"))
                .hasMessageContaining("not a readable file");
    }
}
