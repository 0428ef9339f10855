package org.igdm.gateway.support;

import java.nio.file.Path;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;

/** The two stores every repository runs on: the embedded H2 database and a real PostgreSQL server. */
public enum StoreKind {
    EMBEDDED,
    POSTGRES;

    /** A started store with an empty schema of its own: H2 under {@code dataDir}, or a new database on the shared server. */
    public GatewayStore start(Path dataDir) {
        StoreSettings settings = this == EMBEDDED
                ? new StoreSettings(null, null, null, dataDir.toString(), 4)
                : new StoreSettings(PostgresServer.shared().newDatabase(), PostgresServer.USER, null, dataDir.toString(), 4);
        GatewayStore store = new GatewayStore(settings);
        store.start();
        return store;
    }
}
