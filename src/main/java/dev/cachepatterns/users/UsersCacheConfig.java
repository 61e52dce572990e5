package dev.cachepatterns.users;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.cachepatterns.cache.aside.AuditSettings;
import dev.cachepatterns.cache.aside.CacheAsideSettings;
import dev.cachepatterns.cache.aside.NearSettings;

/** The {@code cache.users.*} section; defaults documented on {@link CacheAsideSettings} and here. */
@ConfigMapping(prefix = "cache.users")
public interface UsersCacheConfig extends CacheAsideSettings {

    /**
     * Listen for the users table's change notifications (the trigger of {@code V6__users_notify.sql}) and invalidate
     * the entries they name, so writes that bypass this service reach the cache too.
     */
    @WithDefault("true")
    boolean followSource();

    /** The near tier of this cache ({@code cache.users.near.*}, docs/near-cache.md). */
    @Override
    NearSettings near();

    /** The consistency auditor of this cache ({@code cache.users.audit.*}). */
    AuditSettings audit();

    /** The channel the trigger NOTIFYs; it must match the migration. */
    @WithDefault("cp_users_changed")
    String sourceChannel();
}
