-- The store's first version: only the schema history itself. Each feature adds its tables in a migration of
-- its own (V2__..., V3__...), written in PostgreSQL's dialect, which the embedded H2 database runs in its
-- PostgreSQL mode.
CREATE TABLE store_info (
    info_key   VARCHAR(64) PRIMARY KEY,
    info_value VARCHAR(255) NOT NULL
);
INSERT INTO store_info (info_key, info_value) VALUES ('created_by', 'ig-dm-gateway');
