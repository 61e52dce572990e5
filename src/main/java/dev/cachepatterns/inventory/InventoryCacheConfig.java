package dev.cachepatterns.inventory;

import io.smallrye.config.ConfigMapping;

import dev.cachepatterns.cache.writethrough.WriteThroughSettings;

/** The {@code cache.inventory.*} section; defaults documented on {@link WriteThroughSettings}. */
@ConfigMapping(prefix = "cache.inventory")
public interface InventoryCacheConfig extends WriteThroughSettings {}
