package org.igdm.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own logging configuration (src/main/resources/log4j2.properties, not the tests'): input that
 * reaches a log line (a recipient id, a tag, a file name, a JMS property) cannot start a line of its own.
 */
class LogLinesTest {

    @Test
    void newlinesInLoggedInputAreEscapedSoNoLineCanBeForged() throws Exception {
        Layout<?> layout = productionConsoleLayout();
        String forged = "42\n00:00:00.000 INFO  [main] AccountGate - token accepted\r\nand more";
        Log4jLogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.igdm.gateway.delivery.DeliveryRoutes")
                .setLevel(Level.WARN).setMessage(new ParameterizedMessage("request for {} refused", forged)).build();

        String line = new String(layout.toByteArray(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.substring(0, line.length() - System.lineSeparator().length())).doesNotContain("\n", "\r")
                .contains("request for 42\\n00:00:00.000 INFO  [main] AccountGate - token accepted\\r\\nand more refused");
    }

    @Test
    void camelsListOfHttpEndpointsWhichNamesTheWrongAddressIsKeptOut() throws Exception {
        // it writes http://0.0.0.0:<port> for a server bound to 127.0.0.1; EndpointSummary writes the true address
        Configuration configuration = productionConfiguration();
        assertThat(configuration.getLoggerConfig("org.apache.camel.component.platform.http.main.MainHttpServerUtil").getLevel())
                .isEqualTo(Level.WARN);
        assertThat(configuration.getLoggerConfig("org.igdm.gateway.http.EndpointSummary").getLevel()).isEqualTo(Level.INFO);
    }

    private static Layout<?> productionConsoleLayout() throws Exception {
        return productionConfiguration().getAppender("console").getLayout();
    }

    private static Configuration productionConfiguration() throws Exception {
        try (InputStream properties = LogLinesTest.class.getResourceAsStream("/log4j2.properties")) {
            Configuration configuration = new PropertiesConfigurationFactory()
                    .getConfiguration(new LoggerContext("log-lines-test"), new ConfigurationSource(properties));
            configuration.initialize();
            return configuration;
        }
    }
}
