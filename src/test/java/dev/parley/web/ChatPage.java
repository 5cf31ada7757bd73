package dev.parley.web;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One browser tab on Parley's chat page (src/main/resources/web), driven the way a player
 * uses it: typing and clicking. Reads what the page shows from the DOM. Every wait is bounded.
 */
final class ChatPage implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final String url;

    ChatPage(ChromeDriver driver, String url) {
        this.driver = driver;
        this.url = url;
    }

    static ChatPage open(String url, org.openqa.selenium.Dimension size) {
        ChatPage page = new ChatPage(Chromium.start(size), url);
        page.driver.get(url);
        page.waitFor(d -> d.findElement(By.id("login-name")).isDisplayed());
        return page;
    }

    /** Logs in with the login form and waits until the page is online. */
    ChatPage login(String name, String password) {
        type(By.id("login-name"), name);
        type(By.id("login-password"), password);
        driver.findElement(By.id("login-submit")).click();
        waitFor(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "online"));
        return this;
    }

    /** Reloads the page (its connection drops) and waits for the login form. */
    void reload() {
        driver.navigate().refresh();
        waitFor(d -> d.findElement(By.id("login-name")).isDisplayed());
    }

    /** Creates a room and waits for its tab; returns the room id. */
    String createRoom(String name) {
        openRoomsDrawer();
        type(By.id("create-room-name"), name);
        driver.findElement(By.cssSelector("#create-room button[type=submit]")).click();
        return activeTabFor(name);
    }

    /** Joins the room listed under {@code name} (refreshing the list first); returns its id. */
    String joinRoom(String name) {
        clickJoin(name);
        return activeTabFor(name);
    }

    /**
     * Joins a second room while in {@code current}; when the server allows one room per player
     * (the page shows its refusal), leaves {@code current} first. Returns the room's id.
     */
    String joinRoomAsWell(String name, String current) {
        js("document.querySelectorAll('#toasts .toast').forEach(t => t.remove())");
        clickJoin(name);
        waitFor(d -> d.findElements(By.cssSelector(".tab")).size() == 2
                || !d.findElements(By.cssSelector("#toasts .toast")).isEmpty());
        if (driver.findElements(By.cssSelector(".tab")).size() < 2) {
            leave(current);
            return joinRoom(name);
        }
        return activeTabFor(name);
    }

    private void clickJoin(String name) {
        openRoomsDrawer();
        driver.findElement(By.id("refresh-rooms")).click();
        By button = By.xpath("//li[contains(@class,'room-entry')][span[@class='room-name' and text()="
                + xpathLiteral(name) + "]]//button[contains(@class,'join')]");
        waitFor(d -> {
            d.findElement(button).click();
            return true;
        });
    }

    /** On a phone-sized window the room list is a drawer behind the top bar's first button. */
    private void openRoomsDrawer() {
        WebElement toggle = driver.findElement(By.id("toggle-rooms"));
        if (toggle.isDisplayed() && !driver.findElement(By.id("rooms-panel")).getAttribute("class").contains("open")) {
            toggle.click();
            // it slides in: clicks land only once it is in place
            waitFor(d -> Boolean.TRUE.equals(js("return document.getElementById('rooms-panel').getBoundingClientRect().left >= 0")));
        }
    }

    private String activeTabFor(String name) {
        By tab = By.xpath("//button[contains(@class,'tab') and contains(@class,'active')][span[@class='tab-name' and text()="
                + xpathLiteral(name) + "]]");
        return waitFor(d -> d.findElement(tab).getAttribute("data-room-id"));
    }

    boolean hasTab(String roomId) {
        return !driver.findElements(By.cssSelector(".tab[data-room-id='" + roomId + "']")).isEmpty();
    }

    /** Leaves the room through its tab's close mark. */
    void leave(String roomId) {
        driver.findElement(By.cssSelector(".tab[data-room-id='" + roomId + "'] .tab-close")).click();
        waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".tab[data-room-id='" + roomId + "']")));
    }

    /** Types a message into the composer of the shown room and presses Enter. */
    void say(String text) {
        WebElement box = waitFor(ExpectedConditions.elementToBeClickable(By.id("composer-text")));
        box.sendKeys(text);
        box.sendKeys(org.openqa.selenium.Keys.ENTER);
    }

    /** Waits until a message with {@code text} shows in the room; returns its seq. */
    long awaitMessage(String roomId, String text) {
        return waitFor(d -> messages(roomId).stream()
                .filter(m -> m.text().equals(text)).map(Shown::seq).findFirst().orElse(null));
    }

    /** A message as the page shows it. */
    record Shown(long seq, String sender, String text, boolean own) {
    }

    /** The room's messages in page order (top to bottom). */
    @SuppressWarnings("unchecked")
    List<Shown> messages(String roomId) {
        List<List<Object>> rows = (List<List<Object>>) js(
                "return [...document.querySelectorAll(`.messages[data-room-id='${arguments[0]}'] > .msg`)]"
                        + ".map(e => [e.dataset.seq, e.querySelector('.msg-sender').textContent,"
                        + " e.querySelector('.msg-text').textContent, e.classList.contains('own')]);",
                roomId);
        return rows.stream().map(r -> new Shown(Long.parseLong((String) r.get(0)), (String) r.get(1),
                (String) r.get(2), (Boolean) r.get(3))).toList();
    }

    List<Long> seqs(String roomId) {
        return messages(roomId).stream().map(Shown::seq).toList();
    }

    /** Names in the members panel (of the shown room). */
    @SuppressWarnings("unchecked")
    List<String> members() {
        // textContent: on a phone the panel is a closed drawer, and WebDriver hides hidden text
        return (List<String>) js("return [...document.querySelectorAll('#member-list .member-name')].map(e => e.textContent)");
    }

    /** Scrolls the room's message list to its top, which pages older history in. */
    void scrollToTop(String roomId) {
        js("const l = document.querySelector(`.messages[data-room-id='${arguments[0]}']`); l.scrollTop = 0;"
                + " l.dispatchEvent(new Event('scroll'));", roomId);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    <T> T waitFor(Function<? super org.openqa.selenium.WebDriver, T> condition) {
        // the page rebuilds lists (rooms, members) whenever the server sends a new one
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    }

    private void type(By field, String text) {
        WebElement input = waitFor(ExpectedConditions.elementToBeClickable(field));
        input.clear();
        input.sendKeys(text);
    }

    private static String xpathLiteral(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        return "concat('" + s.replace("'", "',\"'\",'") + "')";
    }

    String url() {
        return url;
    }

    @Override
    public void close() {
        Chromium.quit(driver);
    }
}
