// Parley's browser page: a UI over the protocol client in parley.js. All text from the server
// or from players goes into the page through textContent, never as HTML.
import { ParleyClient, defaultUrl, isChangeEvent } from "./parley.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const client = new ParleyClient({ url: params.get("server") || defaultUrl(), storage: sessionStorage });
globalThis.parley = client; // for the browser console, and the tests (they cut its connection)

/** The room whose tab is shown; null with no room joined. */
let activeRoomId = null;
/** roomId -> {view, list, marker, tab, unread} */
const views = new Map();
/** clientMsgIds of our messages not echoed yet (a refused one gets its text back). */
const unsent = new Map();

const SCROLL_SLACK_PX = 48;
const LOAD_OLDER_AT_PX = 80;

// ---- small DOM helpers ----------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A stable colour per name, readable on the dark background. */
function nameHue(name) {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
  return (h >>> 0) % 360;
}

function paintName(node, name) {
  node.style.setProperty("--hue", String(nameHue(name)));
  return node;
}

function timeOf(ms) {
  const date = new Date(ms);
  return { short: date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }), full: date.toLocaleString() };
}

function toast(text, kind = "error") {
  const node = el("div", `toast ${kind}`, text);
  $("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

// ---- login ----------------------------------------------------------------------------------

$("login-server").textContent = client.url;

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("login-name").value.trim();
  const password = $("login-password").value;
  const token = $("login-token").value.trim();
  $("login-error").textContent = "";
  if (!token && !name) {
    $("login-error").textContent = "Enter a name, or a token.";
    return;
  }
  $("login-submit").disabled = true;
  client.login(token ? { name, token } : { name, password });
});

client.addEventListener("login", (event) => {
  $("login-submit").disabled = false;
  $("login-password").value = "";
  $("me").textContent = event.detail.name;
  paintName($("me"), event.detail.name);
  $("login-screen").hidden = true;
  $("app").hidden = false;
});

client.addEventListener("loginfailed", (event) => {
  $("login-submit").disabled = false;
  $("login-error").textContent = event.detail.reason;
  showLogin();
});

function showLogin() {
  $("app").hidden = true;
  $("login-screen").hidden = false;
  $("login-name").focus();
}

$("logout").addEventListener("click", () => {
  client.close();
  for (const roomId of [...views.keys()]) dropView(roomId);
  client.rooms.clear();
  client.player = null;
  showLogin();
});

// ---- connection status ----------------------------------------------------------------------

client.addEventListener("status", (event) => {
  const { state, delayMs, reason } = event.detail;
  const status = $("status");
  status.dataset.state = state;
  status.textContent = state === "reconnecting" && delayMs !== undefined
      ? `reconnecting in ${Math.ceil(delayMs / 1000)} s`
      : state;
  status.title = reason || "";
  if (state === "offline" && !$("app").hidden && reason && reason !== "signed out") toast(reason);
  if (state === "connecting" || state === "reconnecting") $("login-error").textContent = "";
  if (state === "reconnecting" && $("app").hidden && !client.player) {
    $("login-error").textContent = `Cannot reach the server: ${reason || "connection failed"}. Retrying…`;
  }
  updateComposer();
});

client.addEventListener("servererror", (event) => {
  const { result, reason } = event.detail;
  toast(result === "SESSION_REPLACED" ? "You logged in somewhere else; this page is disconnected." : reason);
});

client.addEventListener("goingaway", (event) => {
  toast(`Server going away: ${event.detail.reason || "restart"}. Reconnecting shortly.`, "info");
});

// ---- room list and creation -----------------------------------------------------------------

$("refresh-rooms").addEventListener("click", () => client.listRooms());

client.addEventListener("roomlist", (event) => {
  const list = $("room-list");
  list.replaceChildren();
  if (event.detail.rooms.length === 0) list.append(el("li", "room-empty", "No rooms yet: create one."));
  for (const info of event.detail.rooms) {
    const item = el("li", "room-entry");
    item.dataset.roomId = info.roomId;
    const name = el("span", "room-name", info.name);
    name.dir = "auto";
    const meta = el("span", "room-meta", roomMeta(info.memberCount, info.maxMembers));
    meta.title = "members";
    if (info.permanent) item.append(el("span", "room-pin", "★"));
    const joined = client.rooms.has(info.roomId) && client.rooms.get(info.roomId).joined;
    const button = el("button", joined ? "ghost join" : "join", joined ? "Open" : "Join");
    button.type = "button";
    button.addEventListener("click", () => {
      if (client.rooms.get(info.roomId)?.joined) activate(info.roomId);
      else client.joinRoom(info.roomId);
      closeDrawers();
    });
    item.append(name, meta, button);
    list.append(item);
  }
});

$("create-room").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("create-room-name").value.trim();
  if (!name) return;
  client.createRoom(name);
  $("create-room-name").value = "";
  closeDrawers();
});

// ---- rooms as tabs --------------------------------------------------------------------------

client.addEventListener("joined", (event) => {
  const room = event.detail.room;
  const view = viewFor(room);
  view.tabName.textContent = room.name;
  // a room joined for the first time comes to the front; a resumed one stays where it was
  if (!view.everJoined || activeRoomId === null) activate(room.id);
  else if (room.id === activeRoomId) activate(room.id);
  view.everJoined = true;
  client.listRooms();
});

client.addEventListener("joinfailed", (event) => {
  toast(event.detail.reason);
});

client.addEventListener("left", (event) => {
  const { roomId, result, reason } = event.detail;
  if (result !== "OK") toast(`Left a room: ${reason}`);
  dropView(roomId);
  client.listRooms();
});

function viewFor(room) {
  let view = views.get(room.id);
  if (view) return view;
  const list = el("div", "messages");
  list.dataset.roomId = room.id;
  list.setAttribute("role", "log");
  const marker = el("div", "history-marker");
  const older = el("button", "ghost load-older", "Load older messages");
  older.type = "button";
  older.addEventListener("click", () => requestOlder(room.id));
  marker.append(older);
  list.append(marker);
  list.addEventListener("scroll", () => {
    if (list.scrollTop < LOAD_OLDER_AT_PX) requestOlder(room.id);
    view.stuck = list.scrollHeight - list.scrollTop - list.clientHeight < SCROLL_SLACK_PX;
  });

  const tab = el("button", "tab");
  tab.type = "button";
  tab.dataset.roomId = room.id;
  tab.setAttribute("role", "tab");
  const tabName = el("span", "tab-name", room.name);
  tabName.dir = "auto";
  const unread = el("span", "tab-unread");
  const close = el("span", "tab-close", "×");
  close.title = "Leave this room";
  close.setAttribute("role", "button");
  close.addEventListener("click", (event) => {
    event.stopPropagation();
    client.leaveRoom(room.id);
  });
  tab.append(tabName, unread, close);
  tab.addEventListener("click", () => activate(room.id));
  $("tabs").append(tab);
  $("message-views").append(list);

  view = { list, marker, older, tab, tabName, unread, unreadCount: 0, stuck: true };
  views.set(room.id, view);
  updateMarker(room);
  return view;
}

function dropView(roomId) {
  const view = views.get(roomId);
  if (!view) return;
  view.list.remove();
  view.tab.remove();
  views.delete(roomId);
  if (activeRoomId === roomId) activate(views.keys().next().value ?? null);
}

function activate(roomId) {
  activeRoomId = roomId;
  for (const [id, view] of views) {
    const on = id === roomId;
    view.list.hidden = !on;
    view.tab.classList.toggle("active", on);
    view.tab.setAttribute("aria-selected", String(on));
    if (on) {
      view.unreadCount = 0;
      view.unread.textContent = "";
      if (view.stuck) view.list.scrollTop = view.list.scrollHeight;
    }
  }
  $("empty-state").hidden = roomId !== null;
  renderMembers();
  updateComposer();
}

// ---- messages -------------------------------------------------------------------------------

function messageNode(m) {
  // a system message comes from the server (the server API), not a player: shown apart
  const system = m.kind === "CHAT_KIND_SYSTEM";
  const node = el("div", system ? "msg system" : m.own ? "msg own" : "msg");
  node.dataset.seq = String(m.seq);
  node.dataset.roomId = m.roomId;
  const time = timeOf(m.serverTimeMs);
  const stamp = el("time", "msg-time", time.short);
  stamp.title = time.full;
  stamp.dateTime = new Date(m.serverTimeMs).toISOString();
  const sender = paintName(el("bdi", "msg-sender", m.sender.name), m.sender.name);
  const text = el("div", "msg-text", shownText(m));
  text.dir = "auto";
  node.append(stamp, sender, text);
  return node;
}

/** A message's text, marked when it was edited or deleted, or is itself an edit or delete event. */
function shownText(m) {
  const event = isChangeEvent(m);
  if (m.kind === "CHAT_KIND_DELETE") return event ? `(deleted #${m.targetSeq})` : "(deleted)";
  if (m.kind === "CHAT_KIND_EDIT") return (event ? `(edited #${m.targetSeq}) ` : "(edited) ") + m.text;
  return m.text;
}

function systemLine(roomId, text) {
  const view = views.get(roomId);
  if (!view) return;
  const keep = view.stuck;
  const node = el("div", "sys", text);
  view.list.append(node);
  if (keep) view.list.scrollTop = view.list.scrollHeight;
}

client.addEventListener("messages", (event) => {
  const { room, added } = event.detail;
  const view = viewFor(room);
  const list = view.list;
  const keepBottom = view.stuck;
  const heightBefore = list.scrollHeight;
  const topBefore = list.scrollTop;
  let prepended = false;
  for (const m of added) {
    const changed = isChangeEvent(m) ? room.messages.get(m.targetSeq) : undefined;
    const shown = changed && list.querySelector(`:scope > .msg[data-seq="${changed.seq}"] .msg-text`);
    if (shown) shown.textContent = shownText(changed);
    const node = messageNode(m);
    // children in seq order: most arrivals go last, history pages go before the first
    const later = [...list.querySelectorAll(":scope > .msg")].find((other) => Number(other.dataset.seq) > m.seq);
    if (later) {
      list.insertBefore(node, later);
      prepended = true;
    } else {
      list.append(node);
      if (!m.own && room.id !== activeRoomId) view.unreadCount++;
    }
    if (m.own) unsent.delete(m.clientMsgId);
  }
  view.unread.textContent = view.unreadCount ? String(view.unreadCount) : "";
  if (keepBottom) list.scrollTop = list.scrollHeight;
  else if (prepended) list.scrollTop = topBefore + (list.scrollHeight - heightBefore);
  updateMarker(room);
});

client.addEventListener("history", (event) => {
  updateMarker(event.detail.room);
  const view = views.get(event.detail.room.id);
  // a short page leaves nothing to scroll: keep going until the view can scroll or the start
  if (view && event.detail.hasOlder && view.list.scrollHeight <= view.list.clientHeight) requestOlder(event.detail.room.id);
});

function requestOlder(roomId) {
  if (client.loadOlder(roomId)) {
    const view = views.get(roomId);
    if (view) view.older.textContent = "Loading…";
  }
}

function updateMarker(room) {
  const view = views.get(room.id);
  if (!view) return;
  view.older.hidden = !room.hasOlder;
  view.older.textContent = "Load older messages";
  view.marker.dataset.start = String(!room.hasOlder);
  view.marker.title = room.hasOlder ? "" : "the beginning of this room";
}

client.addEventListener("chatfailed", (event) => {
  const text = unsent.get(event.detail.clientMsgId);
  unsent.delete(event.detail.clientMsgId);
  const wait = event.detail.retryAfterMs ? ` (try again in ${Math.ceil(event.detail.retryAfterMs / 1000)} s)` : "";
  toast(`Not sent: ${event.detail.reason}${wait}`);
  if (text !== undefined && !$("composer-text").value) $("composer-text").value = text;
});

// ---- members --------------------------------------------------------------------------------

client.addEventListener("members", (event) => {
  const { room, joined, left } = event.detail;
  if (joined) systemLine(room.id, `${joined.name} joined`);
  if (left) systemLine(room.id, `${left.name} left`);
  if (room.id === activeRoomId) renderMembers();
  const meta = document.querySelector(`#room-list .room-entry[data-room-id="${CSS.escape(room.id)}"] .room-meta`);
  if (meta) meta.textContent = roomMeta(room.members.size, room.info.maxMembers);
});

function roomMeta(count, max) {
  return max ? `${count} / ${max}` : String(count);
}

function renderMembers() {
  const list = $("member-list");
  list.replaceChildren();
  const room = activeRoomId && client.rooms.get(activeRoomId);
  const members = room ? [...room.members.values()].sort((a, b) => a.name.localeCompare(b.name)) : [];
  $("member-count").textContent = room ? String(members.length) : "";
  for (const member of members) {
    const item = el("li", "member");
    item.dataset.playerId = member.playerId;
    const badge = paintName(el("span", "avatar", [...member.name][0]?.toUpperCase() || "?"), member.name);
    badge.setAttribute("aria-hidden", "true");
    const name = paintName(el("bdi", "member-name", member.name), member.name);
    item.append(badge, name);
    if (client.player && member.name === client.player.name) item.append(el("span", "you", "you"));
    list.append(item);
  }
}

// ---- composer -------------------------------------------------------------------------------

function updateComposer() {
  const room = activeRoomId && client.rooms.get(activeRoomId);
  const can = Boolean(room && room.joined && client.state === "online");
  $("composer-text").disabled = !can;
  $("send").disabled = !can;
  $("composer-text").placeholder = !room ? "Join a room to chat" : can ? `Message ${room.name}` : "Reconnecting…";
}

function send() {
  const box = $("composer-text");
  const text = box.value.replace(/\r\n?/g, "\n").trim();
  if (!text || !activeRoomId) return;
  const clientMsgId = client.chat(activeRoomId, text);
  unsent.set(clientMsgId, text);
  box.value = "";
  autoGrow();
  const view = views.get(activeRoomId);
  if (view) view.stuck = true;
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});

$("composer-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});

function autoGrow() {
  const box = $("composer-text");
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, 160)}px`;
}
$("composer-text").addEventListener("input", autoGrow);

// ---- drawers on narrow screens --------------------------------------------------------------

function toggleDrawer(panelId) {
  const panel = $(panelId);
  const open = !panel.classList.contains("open");
  closeDrawers();
  panel.classList.toggle("open", open);
  $("scrim").hidden = !open;
}

function closeDrawers() {
  $("rooms-panel").classList.remove("open");
  $("members-panel").classList.remove("open");
  $("scrim").hidden = true;
}

$("toggle-rooms").addEventListener("click", () => toggleDrawer("rooms-panel"));
$("toggle-members").addEventListener("click", () => toggleDrawer("members-panel"));
$("scrim").addEventListener("click", closeDrawers);

$("login-name").focus();
