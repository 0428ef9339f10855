package org.igdm.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;

/**
 * The ingress routes: those packaged in the jar ({@code camel.main.routes-include-pattern}), and on top of them the
 * {@code *.camel.yaml} files of the operator's folder ({@code gateway.routes}, when set). An operator's file named
 * like a packaged one replaces it; any other adds routes. So a source can be changed or added without compiling, and
 * a jar copied anywhere still has every source.
 */
final class OperatorRoutes extends DefaultRoutesCollector {

    static final String FOLDER = "gateway.routes";
    private static final String SUFFIX = ".camel.yaml";

    /** Camel Main asks twice (to read modelines, then to load the routes); each file is logged once. */
    private final Set<Path> announced = new HashSet<>();

    @Override
    public Collection<Resource> findRouteResourcesFromDirectory(CamelContext context, String excludePattern, String includePattern) {
        Map<String, Resource> byName = new LinkedHashMap<>();
        for (Resource packaged : super.findRouteResourcesFromDirectory(context, excludePattern, includePattern)) {
            byName.put(fileName(packaged.getLocation()), packaged);
        }
        for (Path file : operatorFiles(context)) {
            Resource previous = byName.put(file.getFileName().toString(), ResourceHelper.resolveResource(context, "file:" + file));
            if (announced.add(file)) {
                log.info("Routes from {}{}", file, previous == null ? "" : " (instead of the packaged " + previous.getLocation() + ")");
            }
        }
        return byName.values();
    }

    private static List<Path> operatorFiles(CamelContext context) {
        Optional<String> setting = context.getPropertiesComponent().resolveProperty(FOLDER).map(String::strip).filter(name -> !name.isEmpty());
        if (setting.isEmpty()) {
            return List.of();
        }
        Path folder = Path.of(setting.get()).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("The gateway cannot start:\n  - " + FOLDER + " names " + folder + ", which is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the routes in " + folder, e);
        }
    }

    private static String fileName(String location) {
        return location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
    }
}
