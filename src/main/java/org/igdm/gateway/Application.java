package org.igdm.gateway;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConstants;
import org.apache.camel.main.MainHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: Camel Main runs {@link GatewayConfiguration} and the Java routes that application.properties names, loads
 * the YAML ingress routes packaged in the jar with the operator's own on top ({@link OperatorRoutes}), and reads the
 * operator's application.properties on top of the packaged one.
 */
public final class Application {

    /** Names the operator's settings file (or the environment variable GATEWAY_CONFIG); read before Camel starts. */
    public static final String CONFIG = "gateway.config";

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String... args) throws Exception {
        create().run(args);
    }

    /** The gateway's Camel Main, ready to run. */
    public static Main create() {
        // no package scan: application.properties names the configuration and the Java routes
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation(propertiesLocations());
        main.setRoutesCollector(new OperatorRoutes());
        return main;
    }

    /**
     * The operator's file, then the packaged defaults: Camel takes a key from the first location that has it (and
     * puts the profile's file before both), while system properties and environment variables win over all.
     */
    static String propertiesLocations() {
        Optional<Path> operators = operatorSettings();
        operators.ifPresent(file -> LOG.info("Settings from {}, on top of the packaged application.properties", file));
        return operators.map(file -> "file:" + file + ",").orElse("") + MainConstants.DEFAULT_PROPERTY_PLACEHOLDER_LOCATION;
    }

    /** The file named by gateway.config, which must exist; else application.properties beside the jar, if any. */
    static Optional<Path> operatorSettings() {
        Optional<String> named = MainHelper.lookupPropertyFromSysOrEnv(CONFIG).map(String::strip).filter(name -> !name.isEmpty());
        if (named.isPresent()) {
            Path file = Path.of(named.get()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalStateException("The gateway cannot start:\n  - " + CONFIG + " (or GATEWAY_CONFIG) names " + file
                        + ", which is not a readable file");
            }
            return Optional.of(file);
        }
        return jarFolder().map(folder -> folder.resolve("application.properties")).filter(Files::isRegularFile);
    }

    /** The folder of the jar this class was loaded from; empty when run from classes (in tests, say). */
    private static Optional<Path> jarFolder() {
        CodeSource code = Application.class.getProtectionDomain().getCodeSource();
        try {
            Path location = code == null ? null : Path.of(code.getLocation().toURI());
            return location != null && Files.isRegularFile(location) ? Optional.of(location.toAbsolutePath().getParent()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException notAFile) {
            return Optional.empty();
        }
    }
}
