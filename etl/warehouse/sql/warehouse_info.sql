-- Facts about the warehouse itself (the fingerprint of the hashing key, never the key).
CREATE TABLE IF NOT EXISTS warehouse_info (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
