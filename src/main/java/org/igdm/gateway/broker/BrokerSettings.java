package org.igdm.gateway.broker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the durable queue lives and who may use it.
 *
 * @param externalUrl      {@code gateway.jms.broker-url}: an external broker or HA pair; null runs the embedded broker
 * @param externalUser     {@code gateway.jms.username}: the gateway's user on the external broker, or null
 * @param externalPassword {@code gateway.jms.password}
 * @param host             {@code gateway.jms.host}: the embedded broker's listening address
 * @param port             {@code gateway.jms.port}: the embedded broker's TCP port, for every protocol
 * @param users            {@code gateway.jms.users}: name to password of the clients the embedded broker admits;
 *                         empty when it asks for no credentials
 * @param keystore         {@code gateway.jms.tls.keystore}: when set, the embedded broker's port speaks TLS only
 * @param keystorePassword {@code gateway.jms.tls.keystore-password}
 */
public record BrokerSettings(
        String externalUrl,
        String externalUser,
        String externalPassword,
        String host,
        int port,
        Map<String, String> users,
        Path keystore,
        String keystorePassword) {

    /** The user name of the gateway's own connections to the embedded broker; no client may take it. */
    public static final String GATEWAY_USER = "ig-gateway";

    public BrokerSettings {
        users = Map.copyOf(users);
    }

    /** Reads {@code gateway.jms.users} ({@code name:password,...}); the problems never quote a password. */
    public static Map<String, String> parseUsers(String setting, List<String> problems) {
        Map<String, String> users = new LinkedHashMap<>();
        if (setting == null) {
            return users;
        }
        String[] entries = setting.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                problems.add("gateway.jms.users entry " + (i + 1) + " must be name:password (names and passwords without commas)");
            } else if (entry.substring(0, colon).strip().equals(GATEWAY_USER)) {
                problems.add("gateway.jms.users: the name " + GATEWAY_USER + " is the gateway's own; choose another");
            } else if (users.put(entry.substring(0, colon).strip(), entry.substring(colon + 1)) != null) {
                problems.add("gateway.jms.users names " + entry.substring(0, colon).strip() + " twice");
            }
        }
        return users;
    }

    /** What stops the gateway from starting with these settings; empty when they are sound. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (externalUrl != null) {
            if ((externalUser == null) != (externalPassword == null)) {
                problems.add("gateway.jms.username and gateway.jms.password go together: set both or neither");
            }
            return problems;
        }
        if (users.isEmpty() && !loopback(host)) {
            problems.add("gateway.jms.host is " + host + ", beyond loopback: set gateway.jms.users (name:password,...) so that "
                    + "the broker asks every client for credentials, or set gateway.jms.host to 127.0.0.1");
        }
        if (keystore != null && !Files.isReadable(keystore)) {
            problems.add("gateway.jms.tls.keystore names " + keystore + ", which cannot be read");
        }
        if (keystore != null && keystorePassword == null) {
            problems.add("gateway.jms.tls.keystore-password is not set: the keystore's password is needed to read it");
        }
        return problems;
    }

    public boolean embedded() {
        return externalUrl == null;
    }

    public boolean requiresCredentials() {
        return !users.isEmpty();
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException unknown) {
            return false;
        }
    }

    /** The external URL with its password parameters (a trust store's, say) hidden, for the log. */
    public String externalUrlForLog() {
        return externalUrl == null ? null : externalUrl.replaceAll("(?i)(password=)[^&;)]*", "$1***");
    }

    /** Passwords stay out of any log line that prints the settings. */
    @Override
    public String toString() {
        return "BrokerSettings[externalUrl=" + externalUrlForLog() + ", externalUser=" + externalUser + ", host=" + host
                + ", port=" + port + ", users=" + users.keySet() + ", keystore=" + keystore + "]";
    }
}
