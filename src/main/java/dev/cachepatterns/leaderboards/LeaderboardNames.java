package dev.cachepatterns.leaderboards;

import java.util.regex.Pattern;

import dev.cachepatterns.platform.ProblemException;

/** Board and player names become part of Redis keys and members, so only a small safe alphabet is accepted. */
final class LeaderboardNames {

    static final String PATTERN = "[A-Za-z0-9_-]{1,64}";
    static final String RULE = "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private LeaderboardNames() {}

    static String checked(String raw, String name) {
        if (raw == null || !VALID.matcher(raw).matches()) {
            throw ProblemException.badRequest(name + " " + RULE);
        }
        return raw;
    }
}
