package dev.cachepatterns.posts;

import dev.cachepatterns.platform.ProblemException;

/** Post slugs: lower-case letters, digits and dashes, 1-100 characters. They become part of Redis keys. */
final class Slugs {

    static final String PATTERN = "[a-z0-9][a-z0-9-]{0,99}";
    static final String RULE = "must be 1-100 lower-case letters, digits or dashes, starting with a letter or digit";
    private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

    private Slugs() {}

    /** The slug, or a 400 problem. The length check comes first so a huge path costs no regex work. */
    static String require(String raw) {
        if (raw == null
                || raw.isEmpty()
                || raw.length() > 100
                || !COMPILED.matcher(raw).matches()) {
            throw ProblemException.badRequest("slug " + RULE);
        }
        return raw;
    }
}
