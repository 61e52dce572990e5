CREATE TABLE inventory (
    sku         VARCHAR(64)   PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    quantity    INTEGER       NOT NULL CHECK (quantity >= 0),
    -- Grows by one with every change; the write-through cache only replaces an entry with a newer version.
    version     BIGINT        NOT NULL CHECK (version > 0),
    created_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);
