package org.igdm.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.igdm.gateway.Json;

/**
 * An MCP host on the official TypeScript SDK ({@code src/test/node/mcp-host}), run by Node.js. The SDK is
 * installed from the npm registry into {@code target/mcp-host} the first time, with the versions of its lock file.
 */
public final class TypeScriptMcpHost {

    private static final Path SOURCE = Path.of("src/test/node/mcp-host");
    private static final Path HOME = Path.of("target/mcp-host");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "host.mjs");
    /** The lock file the installed packages came from: a changed lock file installs them again. */
    private static final String INSTALLED_LOCK = "installed-package-lock.json";

    private TypeScriptMcpHost() {
    }

    /** Installs the SDK unless the packages of the current lock file are there already. */
    public static synchronized void install() throws IOException, InterruptedException {
        Files.createDirectories(HOME);
        for (String file : FILES) {
            Files.copy(SOURCE.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path installed = HOME.resolve(INSTALLED_LOCK);
        if (Files.exists(installed) && Files.mismatch(installed, HOME.resolve("package-lock.json")) == -1) {
            return;
        }
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 600);
        Files.copy(HOME.resolve("package-lock.json"), installed, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Connects to {@code url} (sending {@code authorization} when not null), lists the tools and calls
     * {@code ig_send_message} with each of {@code calls}: {@code {protocolVersion, serverInfo, tools, results}},
     * or {@code {error, code}} when the host could not.
     */
    public static JsonNode session(String url, String authorization, List<?> calls) throws IOException, InterruptedException {
        ObjectNode plan = Json.MAPPER.createObjectNode().put("url", url).put("authorization", authorization);
        plan.set("calls", Json.MAPPER.valueToTree(calls));
        String output = run(List.of("node", "host.mjs", plan.toString()), 120);
        List<String> lines = output.lines().filter(line -> line.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("the TypeScript host printed no answer:\n" + output);
        }
        return Json.MAPPER.readTree(lines.getLast());
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = HOME.resolve(command.getFirst() + ".log");
        Process process = new ProcessBuilder(command).directory(HOME.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " did not end within " + timeoutSeconds + " s");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed (exit " + process.exitValue() + "):\n" + text);
        }
        return text;
    }
}
