package dev.parley.client.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {

    @Test
    void slashCommandsAreRecognisedInAnyCase() {
        assertThat(CommandParser.parse("/list")).isEqualTo(new Command.ListRooms());
        assertThat(CommandParser.parse("/LIST")).isEqualTo(new Command.ListRooms());
        assertThat(CommandParser.parse("/leave")).isEqualTo(new Command.LeaveRoom(0));
        assertThat(CommandParser.parse("/Rooms")).isEqualTo(new Command.MyRooms());
        assertThat(CommandParser.parse("/quit")).isEqualTo(new Command.Quit());
        assertThat(CommandParser.parse("/exit")).isEqualTo(new Command.Quit());
        assertThat(CommandParser.parse("/help")).isEqualTo(new Command.Help());
        assertThat(CommandParser.parse("  /list  ")).isInstanceOf(Command.Chat.class); // a leading space makes it chat
    }

    @Test
    void createTakesTheRestOfTheLineAsTheRoomName() {
        assertThat(CommandParser.parse("/create TestRoom")).isEqualTo(new Command.CreateRoom("TestRoom"));
        assertThat(CommandParser.parse("/create   Friday night raid  ")).isEqualTo(new Command.CreateRoom("Friday night raid"));
        assertThat(CommandParser.parse("/create")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("usage: /create NAME"));
        assertThat(CommandParser.parse("/create   ")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void directMessagesAndBlocksTakeAPlayerName() {
        assertThat(CommandParser.parse("/msg Bob hi there")).isEqualTo(new Command.DirectMessage("Bob", "hi there"));
        assertThat(CommandParser.parse("/MSG Bob  /not a command")).isEqualTo(new Command.DirectMessage("Bob", " /not a command"));
        assertThat(CommandParser.parse("/msg Bob")).isEqualTo(new Command.DirectHistory("Bob"));
        assertThat(CommandParser.parse("/msg")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("usage: /msg NAME TEXT"));
        assertThat(CommandParser.parse("/block Bob")).isEqualTo(new Command.Block("Bob"));
        assertThat(CommandParser.parse("/unblock Bob")).isEqualTo(new Command.Unblock("Bob"));
        for (String bad : new String[]{"/block", "/block a b", "/unblock"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).startsWith("usage: /"));
        }
    }

    @Test
    void moderationCommandsTakeANameADurationAndAReason() {
        assertThat(CommandParser.parse("/kick Bob")).isEqualTo(new Command.Kick("Bob", ""));
        assertThat(CommandParser.parse("/kick Bob  stop spamming")).isEqualTo(new Command.Kick("Bob", "stop spamming"));
        assertThat(CommandParser.parse("/mute Bob 60 too loud")).isEqualTo(new Command.Mute("Bob", 60, false, "too loud"));
        assertThat(CommandParser.parse("/mute Bob 0")).isEqualTo(new Command.Mute("Bob", 0, false, ""));
        assertThat(CommandParser.parse("/mute Bob 60 here too loud")).isEqualTo(new Command.Mute("Bob", 60, true, "too loud"));
        assertThat(CommandParser.parse("/mute Bob 0 HERE")).isEqualTo(new Command.Mute("Bob", 0, true, ""));
        assertThat(CommandParser.parse("/mute Bob 60 everywhere spam")).isEqualTo(new Command.Mute("Bob", 60, false, "spam"));
        assertThat(CommandParser.parse("/mute Bob 60 hereafter quiet"))
                .isEqualTo(new Command.Mute("Bob", 60, false, "hereafter quiet"));
        assertThat(CommandParser.parse("/ban Bob")).isEqualTo(new Command.Ban("Bob", 0, ""));
        assertThat(CommandParser.parse("/ban Bob 3600 cheating")).isEqualTo(new Command.Ban("Bob", 3600, "cheating"));
        assertThat(CommandParser.parse("/ban Bob cheating again")).isEqualTo(new Command.Ban("Bob", 0, "cheating again"));
        assertThat(CommandParser.parse("/unban Bob")).isEqualTo(new Command.Unban("Bob"));
        for (String bad : new String[]{"/kick", "/mute Bob", "/mute Bob soon", "/mute Bob -5", "/ban", "/unban", "/unban a b"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).startsWith("usage: /"));
        }
    }

    @Test
    void joinTakesAPositiveRoomId() {
        assertThat(CommandParser.parse("/join 12")).isEqualTo(new Command.JoinRoom(12));
        assertThat(CommandParser.parse("/join #12")).isEqualTo(new Command.JoinRoom(12));
        // room_id is a uint64: the highest id is 2^64-1, which Java holds as -1
        assertThat(CommandParser.parse("/join 18446744073709551615")).isEqualTo(new Command.JoinRoom(-1));
        for (String bad : new String[]{"/join", "/join abc", "/join 0", "/join -3", "/join 1 2", "/join 99999999999999999999"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).contains("usage: /join ID"));
        }
    }

    @Test
    void leaveTakesAnOptionalRoomIdAndSwitchARequiredOne() {
        assertThat(CommandParser.parse("/leave 7")).isEqualTo(new Command.LeaveRoom(7));
        assertThat(CommandParser.parse("/leave #7")).isEqualTo(new Command.LeaveRoom(7));
        assertThat(CommandParser.parse("/switch 7")).isEqualTo(new Command.Switch(7));
        assertThat(CommandParser.parse("/SWITCH #7")).isEqualTo(new Command.Switch(7));
        for (String bad : new String[]{"/leave abc", "/leave 0", "/leave 1 2"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).contains("usage: /leave [ID]"));
        }
        for (String bad : new String[]{"/switch", "/switch x", "/switch 0"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).contains("usage: /switch ID"));
        }
        assertThat(CommandParser.parse("/rooms all")).isEqualTo(new Command.Invalid("/rooms takes no arguments"));
    }

    @Test
    void historyTakesAnOptionalCount() {
        assertThat(CommandParser.parse("/history")).isEqualTo(new Command.History(20));
        assertThat(CommandParser.parse("/HISTORY 5")).isEqualTo(new Command.History(5));
        assertThat(CommandParser.parse("/history   1000 ")).isEqualTo(new Command.History(1000));
        assertThat(CommandParser.parse("/history 1")).isEqualTo(new Command.History(1));
        for (String bad : new String[]{"/history 0", "/history -1", "/history 1001", "/history ten", "/history 5 6",
                "/history 99999999999"}) {
            assertThat(CommandParser.parse(bad)).as(bad).isEqualTo(
                    new Command.Invalid("usage: /history [N], where N is 1-1000 messages (default 20)"));
        }
    }

    @Test
    void reconnectTakesNoArguments() {
        assertThat(CommandParser.parse("/reconnect")).isEqualTo(new Command.Reconnect());
        assertThat(CommandParser.parse("/Reconnect now")).isEqualTo(new Command.Invalid("/reconnect takes no arguments"));
    }

    @Test
    void deleteAndEditTakeASeqAndEditAText() {
        assertThat(CommandParser.parse("/delete 7")).isEqualTo(new Command.DeleteMessage(7));
        assertThat(CommandParser.parse("/DELETE #7")).isEqualTo(new Command.DeleteMessage(7));
        assertThat(CommandParser.parse("/edit 7 new  text")).isEqualTo(new Command.EditMessage(7, "new  text"));
        assertThat(CommandParser.parse("/delete")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("/delete x")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("/edit 7")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("/edit x hello")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void dmeditAndDmdeleteTakeANameASeqAndDmeditAText() {
        assertThat(CommandParser.parse("/dmedit bob 3 new  text")).isEqualTo(new Command.EditDirect("bob", 3, "new  text"));
        assertThat(CommandParser.parse("/DMEDIT bob #3 x")).isEqualTo(new Command.EditDirect("bob", 3, "x"));
        assertThat(CommandParser.parse("/dmdelete bob 3")).isEqualTo(new Command.DeleteDirect("bob", 3));
        for (String wrong : new String[]{"/dmedit", "/dmedit bob", "/dmedit bob 3", "/dmedit bob x hi", "/dmedit 3 hi",
                "/dmdelete", "/dmdelete bob", "/dmdelete bob x"}) {
            assertThat(CommandParser.parse(wrong)).as(wrong).isInstanceOfSatisfying(Command.Invalid.class,
                    i -> assertThat(i.hint()).startsWith("usage: /dm"));
        }
        String help = String.join("\n", CommandParser.HELP);
        assertThat(help).contains("  /dmedit NAME SEQ TEXT ").contains("  /dmdelete NAME SEQ ");
    }

    @Test
    void helpListsEveryCommand() {
        String help = String.join("\n", CommandParser.HELP);
        for (String command : new String[]{"/list", "/create NAME", "/join ID", "/rooms", "/switch ID", "/leave [ID]",
                "/history [N]", "/edit SEQ TEXT", "/delete SEQ", "/reconnect", "/quit", "/help", "/kick NAME",
                "/mute NAME SECONDS", "/mute NAME SECONDS here", "/ban NAME", "/unban NAME"}) {
            assertThat(help).contains("  " + command + " ");
        }
    }

    @Test
    void unknownCommandGetsAHint() {
        assertThat(CommandParser.parse("/shout hi")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("unknown command /shout").contains("/help").contains("//"));
        assertThat(CommandParser.parse("/")).isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.hint()).contains("/help"));
        assertThat(CommandParser.parse("/list now")).isEqualTo(new Command.Invalid("/list takes no arguments"));
    }

    @Test
    void otherLinesAreChatSentAsTyped() {
        assertThat(CommandParser.parse("hello")).isEqualTo(new Command.Chat("hello"));
        assertThat(CommandParser.parse(" spaced out ")).isEqualTo(new Command.Chat(" spaced out "));
        assertThat(CommandParser.parse("don't \\escape !! this")).isEqualTo(new Command.Chat("don't \\escape !! this"));
        assertThat(CommandParser.parse("//list is a command")).isEqualTo(new Command.Chat("/list is a command"));
        assertThat(CommandParser.parse("안녕하세요")).isEqualTo(new Command.Chat("안녕하세요"));
    }

    @Test
    void blankLinesAreIgnored() {
        assertThat(CommandParser.parse("")).isEqualTo(new Command.Blank());
        assertThat(CommandParser.parse("   \t")).isEqualTo(new Command.Blank());
    }
}
