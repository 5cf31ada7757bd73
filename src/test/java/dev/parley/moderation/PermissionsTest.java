package dev.parley.moderation;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PermissionsTest {

    private final Permissions creatorsModerate = new Permissions(List.of("Root"), true);
    private final Permissions creatorsDoNot = new Permissions(List.of(), false);

    @Test
    void staffAreModeratorsAdminsAndNamedAdminsInAnyCase() {
        assertThat(creatorsModerate.isStaff("ann", List.of("moderator"))).isTrue();
        assertThat(creatorsModerate.isStaff("ann", List.of("admin"))).isTrue();
        assertThat(creatorsModerate.isStaff("ROOT", List.of())).isTrue();
        assertThat(creatorsModerate.isStaff("ann", List.of("player", "vip"))).isFalse();
        assertThat(creatorsModerate.isStaff(null, List.of())).isFalse();
    }

    @Test
    void theAuditedRoleIsTheHighest() {
        assertThat(creatorsModerate.rolesOf("ann", List.of("moderator", "admin"))).isEqualTo("admin");
        assertThat(creatorsModerate.rolesOf("root", List.of("moderator"))).isEqualTo("admin");
        assertThat(creatorsModerate.rolesOf("ann", List.of("moderator"))).isEqualTo("moderator");
        assertThat(creatorsModerate.rolesOf("ann", List.of())).isEqualTo("player");
    }

    @Test
    void staffKickAnywhereCreatorsOnlyInTheirAdHocRoomWhileAllowed() {
        assertThat(creatorsModerate.moderatesRoom(true, true, false)).isTrue();
        assertThat(creatorsModerate.moderatesRoom(false, false, true)).isTrue();
        assertThat(creatorsModerate.moderatesRoom(false, true, true)).as("a permanent room has no creator's say").isFalse();
        assertThat(creatorsModerate.moderatesRoom(false, false, false)).isFalse();
        assertThat(creatorsDoNot.moderatesRoom(false, false, true)).isFalse();
        assertThat(creatorsDoNot.moderatesRoom(true, false, false)).isTrue();
    }

    @Test
    void onlyStaffMute() {
        assertThat(creatorsModerate.mayMute(true)).isTrue();
        assertThat(creatorsModerate.mayMute(false)).isFalse();
    }

    @Test
    void onlyAdminsBan() {
        assertThat(creatorsModerate.isAdmin("ann", List.of("admin"))).isTrue();
        assertThat(creatorsModerate.isAdmin("root", List.of())).isTrue();
        assertThat(creatorsModerate.isAdmin("ann", List.of("moderator"))).isFalse();
        assertThat(creatorsModerate.mayBan(true)).isTrue();
        assertThat(creatorsModerate.mayBan(false)).isFalse();
    }

    @Test
    void rolesGivenThroughTheApiAddToTheTokensForThatPlayerOnlyAndOnlyModeratorOrAdminMayBeGiven() {
        RoleGrants grants = new RoleGrants();
        Permissions p = new Permissions(List.of(), true, grants);
        assertThat(p.isStaff("carol", p.roles(7, List.of()))).isFalse();
        grants.set(7, List.of("moderator"));
        assertThat(p.isStaff("carol", p.roles(7, List.of()))).isTrue();
        assertThat(p.isAdmin("carol", p.roles(7, List.of()))).isFalse();
        assertThat(p.roles(7, List.of("admin"))).containsExactlyInAnyOrder("admin", "moderator");
        assertThat(p.isStaff("dave", p.roles(8, List.of()))).as("another player").isFalse();
        grants.set(7, List.of());
        assertThat(p.isStaff("carol", p.roles(7, List.of()))).isFalse();
        assertThat(Permissions.invalidGrant(List.of("moderator", "admin"))).isNull();
        assertThat(Permissions.invalidGrant(List.of("moderator", "owner"))).contains("owner");
    }

    @Test
    void sourcesTellWhereEachKnownRoleComesFrom() {
        RoleGrants grants = new RoleGrants();
        Permissions p = new Permissions(List.of("Boss"), true, grants);
        grants.set(7, List.of("moderator"));
        assertThat(p.sources("carol", 7, List.of("moderator", "admin", "vip")).toString())
                .isEqualTo("{admin=[token], moderator=[granted, token]}");
        assertThat(p.sources("boss", 8, List.of()).toString()).isEqualTo("{admin=[admins]}");
        assertThat(p.sources("dave", 9, List.of("vip"))).isEmpty();
    }
}
