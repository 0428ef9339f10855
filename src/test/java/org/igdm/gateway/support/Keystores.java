package org.igdm.gateway.support;

import java.nio.file.Path;
import java.util.List;

/**
 * A broker's TLS key and the trust store its clients use, made with the JDK's keytool: a self-signed
 * certificate for 127.0.0.1.
 */
public record Keystores(Path keystore, Path truststore) {

    public static final String PASSWORD = "test-store-pass-41c7";

    public static Keystores create(Path folder) throws Exception {
        Path keystore = folder.resolve("broker.p12");
        Path certificate = folder.resolve("broker.pem");
        Path truststore = folder.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", PASSWORD);
        return new Keystores(keystore, truststore);
    }

    /** The Artemis client URL parameters that trust this broker. */
    public String trustParameters() {
        return "trustStorePath=" + truststore + "&trustStorePassword=" + PASSWORD;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
