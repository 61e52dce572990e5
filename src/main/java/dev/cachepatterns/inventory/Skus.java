package dev.cachepatterns.inventory;

import java.util.regex.Pattern;

import dev.cachepatterns.platform.ProblemException;

/**
 * Validates SKUs from the path. A SKU becomes part of a Redis key, so only a strict charset and length are accepted:
 * no input can reach another key.
 */
final class Skus {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Skus() {}

    static String valid(String raw) {
        if (raw == null || raw.length() > 64 || !VALID.matcher(raw).matches()) {
            throw ProblemException.badRequest(
                    "sku must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return raw;
    }
}
