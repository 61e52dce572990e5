package dev.cachepatterns.cache.writebehind;

import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.cache.redis.RedisGuard;

/** What the parts of one write-behind component (accepting, flushing, ledger, dead letters) share. */
record Component(
        String name,
        WriteBehindSettings settings,
        List<String> fields,
        StreamKeys keys,
        ReactiveRedisDataSource redis,
        RedisGuard guard,
        SourcePool source,
        WriteBehindMetrics metrics) {}
