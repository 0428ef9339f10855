package org.igdm.gateway.store;

/**
 * Where the store lives: {@code url} is null for the embedded database under {@code dataDir}, or the JDBC
 * URL of a PostgreSQL database shared by a cluster ({@code gateway.store.url}, with {@code username} and
 * {@code password}). {@code poolSize} bounds the connections this instance holds.
 */
public record StoreSettings(String url, String username, String password, String dataDir, int poolSize) {

    @Override
    public String toString() {
        return "StoreSettings[url=" + (url == null ? "embedded" : GatewayStore.redacted(url)) + ", dataDir=" + dataDir
                + ", poolSize=" + poolSize + "]";
    }
}
