package dev.cachepatterns.cache.redis;

import java.nio.charset.StandardCharsets;

import dev.cachepatterns.cache.Internal;

/**
 * The Redis Cluster hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag (the text between the first
 * {@code {}} and the next {@code }}, when not empty), modulo 16384. Used to check that one script's keys share a slot and
 * to send bulk reads and pipelines per slot, and by the near tier to find the master that vouches for a key; the same formula as Redis and every cluster client.
 */
@Internal
public final class HashSlot {

    public static final int SLOTS = 16384;

    private static final int[] TABLE = table();

    private HashSlot() {}

    public static int of(String key) {
        if (ascii(key)) {
            return ofAscii(key); // the near tier asks on every read: no copy of the key for the common case
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                start = open + 1;
                end = close;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc % SLOTS;
    }

    private static boolean ascii(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int ofAscii(String key) {
        int start = 0;
        int end = key.length();
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                start = open + 1;
                end = close;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ key.charAt(i)) & 0xff]) & 0xffff;
        }
        return crc % SLOTS;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static int[] table() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            table[i] = crc & 0xffff;
        }
        return table;
    }
}
