package dev.parley.moderation;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one place that decides who may moderate: pure functions of the actor's roles and, for a
 * kick, of the room. Roles come from the login token's roles claim ({@code moderator},
 * {@code admin}), from the server API ({@code PUT /api/v1/players/{name}/roles}, held in
 * {@link RoleGrants}; merged by {@link #roles}); {@code --admins} adds {@code admin} to named
 * password accounts (see {@link #rolesOf}). Any thread.
 *
 * <ul>
 *   <li>kick, and delete another player's message (DeleteMessageRequest): a moderator or admin,
 *       in any room; the creator of an ad-hoc (non-permanent) room in that room, while creators
 *       moderate ({@code --creator-moderates});</li>
 *   <li>mute: a moderator or admin;</li>
 *   <li>ban and unban, and giving roles: an admin.</li>
 * </ul>
 */
public final class Permissions {

    public static final String MODERATOR = "moderator";
    public static final String ADMIN = "admin";

    /** The roles the server API may give a player. */
    public static final Set<String> GRANTABLE = Set.of(MODERATOR, ADMIN);

    private final Set<String> admins;
    private final boolean creatorModerates;
    private final RoleGrants grants;

    /** Without roles given through the server API. */
    public Permissions(Collection<String> admins, boolean creatorModerates) {
        this(admins, creatorModerates, new RoleGrants());
    }

    /**
     * @param admins           names (any case) of accounts that are admins whatever their token says
     * @param creatorModerates whether the creator of an ad-hoc room may kick in it
     * @param grants           the roles given through the server API
     */
    public Permissions(Collection<String> admins, boolean creatorModerates, RoleGrants grants) {
        this.admins = Set.copyOf(admins.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
        this.creatorModerates = creatorModerates;
        this.grants = grants;
    }

    /**
     * The roles a player holds now: its token's and those given to it through the server API
     * (looked up on each decision, so a change applies at once). {@code --admins} is added by the
     * checks below, by name.
     */
    public Collection<String> roles(long playerId, Collection<String> tokenRoles) {
        Set<String> granted = grants.of(playerId);
        if (granted.isEmpty()) {
            return tokenRoles;
        }
        Set<String> all = new HashSet<>(tokenRoles);
        all.addAll(granted);
        return all;
    }

    /** Where a role comes from, as {@link #sources} tells it. */
    public static final String FROM_GRANT = "granted";
    public static final String FROM_TOKEN = "token";
    public static final String FROM_ADMINS = "admins";

    /**
     * The roles the player named {@code name} holds now and where each comes from
     * ({@link #FROM_GRANT}: the server API, {@link #FROM_TOKEN}: its login token,
     * {@link #FROM_ADMINS}: {@code --admins}), sorted. Only the roles this class knows
     * ({@link #GRANTABLE}) are listed: other token roles decide nothing here.
     *
     * @param tokenRoles its token's roles; empty when it is not online (they are known only then)
     */
    public SortedMap<String, SortedSet<String>> sources(String name, long playerId, Collection<String> tokenRoles) {
        SortedMap<String, SortedSet<String>> out = new TreeMap<>();
        for (String r : grants.of(playerId)) {
            out.computeIfAbsent(r, k -> new TreeSet<>()).add(FROM_GRANT);
        }
        for (String r : tokenRoles) {
            if (GRANTABLE.contains(r)) {
                out.computeIfAbsent(r, k -> new TreeSet<>()).add(FROM_TOKEN);
            }
        }
        if (isNamedAdmin(name)) {
            out.computeIfAbsent(ADMIN, k -> new TreeSet<>()).add(FROM_ADMINS);
        }
        return out;
    }

    /** Why {@code roles} cannot be given through the server API, or null. */
    public static String invalidGrant(Collection<String> roles) {
        for (String r : roles) {
            if (!GRANTABLE.contains(r)) {
                return "role '" + r + "' is not one of " + new TreeSet<>(GRANTABLE);
            }
        }
        return null;
    }

    /** Whether the player named {@code name} with the token roles {@code roles} is staff (moderator or admin). */
    public boolean isStaff(String name, Collection<String> roles) {
        return roles.contains(MODERATOR) || roles.contains(ADMIN) || isNamedAdmin(name);
    }

    /** Whether the player is an admin (by its token, or named in {@code --admins}). */
    public boolean isAdmin(String name, Collection<String> roles) {
        return roles.contains(ADMIN) || isNamedAdmin(name);
    }

    /** The role an audit entry names for the actor: admin, moderator, or player. */
    public String rolesOf(String name, Collection<String> roles) {
        if (isAdmin(name, roles)) {
            return ADMIN;
        }
        return roles.contains(MODERATOR) ? MODERATOR : "player";
    }

    /**
     * Whether an actor moderates a room: may kick from it and delete others' messages in it.
     *
     * @param staff         {@link #isStaff} of the actor
     * @param roomPermanent whether the room is permanent (creators have no say there)
     * @param isCreator     whether the actor created the room
     */
    public boolean moderatesRoom(boolean staff, boolean roomPermanent, boolean isCreator) {
        return staff || (creatorModerates && !roomPermanent && isCreator);
    }

    /** Whether an actor may mute (or unmute) a player. */
    public boolean mayMute(boolean staff) {
        return staff;
    }

    /** Whether an actor may ban (or unban) a player, or give it roles. */
    public boolean mayBan(boolean admin) {
        return admin;
    }

    private boolean isNamedAdmin(String name) {
        return name != null && admins.contains(name.toLowerCase(Locale.ROOT));
    }
}
