package dev.cachepatterns.cache.aside;

/**
 * Which tracking connections vouch for a key of a near tier: whether a reply for it may be kept ({@link #holds}: its
 * invalidations arrive) and whether what is kept may be served now ({@link #serves}: within the lease). One lease
 * covers every key of a single Redis (or of Sentinel's primary); on a Redis Cluster the lease of the key's master does
 * ({@link SlotLeases}).
 */
interface Coverage {

    /** Nothing is ever held: a tier that is off. */
    Coverage NONE = new Coverage() {
        @Override
        public boolean holds(String key) {
            return false;
        }

        @Override
        public boolean serves(String key) {
            return false;
        }
    };

    boolean holds(String key);

    boolean serves(String key);

    /** Every key covered by one lease. */
    static Coverage of(Lease lease) {
        return new Coverage() {
            @Override
            public boolean holds(String key) {
                return lease.live();
            }

            @Override
            public boolean serves(String key) {
                return lease.serving();
            }
        };
    }
}
