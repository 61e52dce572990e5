-- The inventory unit's synthetic rows for scripts/seed.sh.
-- scale skus 1000
TRUNCATE inventory;
INSERT INTO inventory (sku, name, quantity, version)
SELECT 'SKU-' || i, 'Item ' || i, (random() * 1000)::int, 1
FROM generate_series(1, :skus) AS i;
ANALYZE inventory;
