package dev.cachepatterns.cache;

/**
 * The Lua scripts of {@link WriteBehind}. Each runs atomically in Redis, which is what makes "recorded in the stream"
 * and "counted as pending" one step, and "acknowledged" and "no longer pending" another.
 */
final class WriteBehindScripts {

    private WriteBehindScripts() {}

    /** Lua shared by the scripts that finish an entry: takes the entry's delta out of the pending hash. */
    private static final String TAKE_OUT_OF_PENDING = """
            local function takeOutOfPending(pendingKey, f)
              local e, fld, d
              for j = 1, #f, 2 do
                if f[j] == 'e' then e = f[j + 1] elseif f[j] == 'f' then fld = f[j + 1] elseif f[j] == 'd' then d = f[j + 1] end
              end
              if e and fld and d and tonumber(d) then
                local k = e .. ':' .. fld
                if redis.call('HEXISTS', pendingKey, k) == 1 and redis.call('HINCRBY', pendingKey, k, 0 - tonumber(d)) == 0 then
                  redis.call('HDEL', pendingKey, k)
                end
              end
            end
            """;

    /**
     * KEYS: stream, pending hash. ARGV: max backlog, entity, field, delta, accept id, fields to report...
     * Returns {1, backlog, pending of each reported field} or {0, backlog} when the backlog is full.
     */
    static final LuaScript ACCEPT = new LuaScript("""
            local backlog = redis.call('XLEN', KEYS[1])
            if backlog >= tonumber(ARGV[1]) then
              return {0, backlog}
            end
            redis.call('XADD', KEYS[1], '*', 'e', ARGV[2], 'f', ARGV[3], 'd', ARGV[4], 'id', ARGV[5])
            redis.call('HINCRBY', KEYS[2], ARGV[2] .. ':' .. ARGV[3], ARGV[4])
            local reply = {1, backlog + 1}
            for i = 6, #ARGV do
              reply[#reply + 1] = redis.call('HGET', KEYS[2], ARGV[2] .. ':' .. ARGV[i]) or '0'
            end
            return reply
            """);

    /**
     * KEYS: stream, pending hash, failures hash, cached copies to drop... ARGV: group, entry ids...
     * For each entry this call acknowledges (XACK = 1), and only for those, the entry's delta leaves the pending hash
     * and the entry is deleted, so a replayed acknowledgement can never decrement twice. Returns the number acked.
     */
    static final LuaScript ACK = new LuaScript(TAKE_OUT_OF_PENDING + """
            local acked = 0
            for i = 2, #ARGV do
              local id = ARGV[i]
              local found = redis.call('XRANGE', KEYS[1], id, id)
              if redis.call('XACK', KEYS[1], ARGV[1], id) == 1 then
                acked = acked + 1
                if found[1] then
                  takeOutOfPending(KEYS[2], found[1][2])
                end
                redis.call('XDEL', KEYS[1], id)
                redis.call('HDEL', KEYS[3], id)
              end
            end
            for i = 4, #KEYS do
              redis.call('DEL', KEYS[i])
            end
            return acked
            """);

    /**
     * KEYS: stream, pending hash, failures hash, dead-letter stream. ARGV: group, reason, entry ids...
     * Moves each entry this call acknowledges to the dead-letter stream (with its id and the reason) and takes its
     * delta out of the pending hash. Returns the number moved.
     */
    static final LuaScript DEAD_LETTER = new LuaScript(TAKE_OUT_OF_PENDING + """
            local moved = 0
            for i = 3, #ARGV do
              local id = ARGV[i]
              local found = redis.call('XRANGE', KEYS[1], id, id)
              if redis.call('XACK', KEYS[1], ARGV[1], id) == 1 then
                moved = moved + 1
                local fields = {'source-id', id, 'reason', ARGV[2]}
                if found[1] then
                  local f = found[1][2]
                  for j = 1, #f do
                    fields[#fields + 1] = f[j]
                  end
                  takeOutOfPending(KEYS[2], f)
                end
                redis.call('XADD', KEYS[4], '*', unpack(fields))
                redis.call('XDEL', KEYS[1], id)
                redis.call('HDEL', KEYS[3], id)
              end
            end
            return moved
            """);

    /** KEYS: failures hash. ARGV: entry ids... Counts one more failed try per entry; returns the new counts in order. */
    static final LuaScript COUNT_FAILURES = new LuaScript("""
            local counts = {}
            for i = 1, #ARGV do
              counts[i] = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
            end
            return counts
            """);
}
