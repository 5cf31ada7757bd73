// Parley reference JavaScript client: the `parley.v1.json` WebSocket subprotocol, with login,
// rooms, chat, history paging, heartbeat and automatic reconnect that resumes every joined room
// with no gap and no duplicate (docs/protocol.md, "History and resume"). No dependencies, no
// build step: `import { ParleyClient } from "./parley.js"`. The browser page (app.js) is one UI
// over it; nothing in here touches the DOM.
//
// Wire format: each WebSocket text message is {"type": "<MessageName>", "body": {...}} with the
// body in protobuf's canonical JSON: lowerCamelCase fields, uint64/int64 as strings, enums by
// name. Fields a server leaves out read as their defaults (0, "", false, OK, []). The room a
// ChatRequest or LeaveRoomRequest is for is always named (roomId): a server that allows one room
// per player ignores the field, as it ignores every body field it does not know.
//
// Events (EventTarget; each CustomEvent's `detail` is given):
//   status    {state: "connecting"|"online"|"reconnecting"|"offline", attempt?, delayMs?, reason?}
//   login     {playerId, name}                  after every successful login, reconnects included
//   loginfailed {result, reason}                 the credentials were refused; no more retries
//   roomlist  {rooms: [RoomInfo]}
//   joined    {room}                             a room (see Room below) was joined or resumed
//   joinfailed {roomId, result, reason}
//   left      {roomId, result, reason}          left (result OK), or it can no longer be resumed
//   messages  {room, added: [message]}          new messages of a room, each seq once
//   members   {room, joined?: Member, left?: Member}
//   history   {room, hasOlder}                  an older page arrived (or there is none)
//   chatfailed {clientMsgId, result, reason, retryAfterMs}
//   servererror {result, reason, requestType}   an ErrorNotify that is about no chat message
//   goingaway {reason, reconnectAfterMs}
//
// Room: {id, name, info, members: Map<playerId, Member>, messages: Map<seq, message>,
//        lastSeen, oldest, hasOlder, joined}. A message: {roomId, seq, sender: {playerId, name},
//        text, kind, targetSeq, clientMsgId, serverTimeMs, own}. Ids are decimal strings, seq and times numbers.

/** The JSON subprotocol; the binary `parley.v1` carries raw Parley frames and needs protobuf. */
export const SUBPROTOCOL = "parley.v1.json";

/** Reconnect backoff: full jitter over an exponential ceiling, reset by a successful login. */
export const BACKOFF = Object.freeze({ firstMs: 500, maxMs: 15_000 });

/** The server closes a connection silent for --idle-timeout (45 s); a third of it, as docs say. */
export const PING_EVERY_MS = 15_000;

/** No frame at all for this long (pongs included) means the connection is dead. */
export const DEAD_AFTER_MS = 40_000;

const HISTORY_PAGE = 50;

/** Results after which reconnecting cannot help: the user has to act. */
const FINAL_LOGIN_RESULTS = new Set(["INVALID_CREDENTIALS", "INVALID_REQUEST", "ALREADY_LOGGED_IN", "SESSION_EXPIRED"]);

/** The default WebSocket address: the same host as the page, path /ws. */
export function defaultUrl(location = globalThis.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

/** A reusable Parley client over one WebSocket at a time. */
export class ParleyClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.url         ws:// or wss:// address of the server's /ws endpoint
   * @param {Storage} [options.storage]  where joined rooms and their messages survive a page
   *                                     reload (sessionStorage in the page); omitted = memory only
   * @param {number} [options.keepMessages] per room, in memory and storage (default 500)
   */
  constructor({ url, storage = null, keepMessages = 500, WebSocketImpl = globalThis.WebSocket }) {
    super();
    this.url = url;
    this.storage = storage;
    this.keepMessages = keepMessages;
    this.WebSocketImpl = WebSocketImpl;
    /** @type {Map<string, object>} joined rooms by id, in join order (the tabs) */
    this.rooms = new Map();
    this.player = null;
    this.state = "offline";
    this.ws = null;
    this.credentials = null;
    this.sessionToken = null;
    this.stopped = true; // until login(); then only close() or a final refusal stop it
    this.attempt = 0;
    this.reconnectTimer = null;
    this.pingTimer = null;
    this.lastReceived = 0;
    this.nextClientMsgId = Date.now(); // unique per page load, so a reload never repeats an id
    this.nextNonce = 1;
    // Responses without an id of their own match the oldest request of their kind.
    this.pendingJoins = [];
    this.pendingLeaves = [];
    this.pendingCreates = [];
    this.gapFills = new Map(); // roomId -> the seq the forward paging stops before
    this.olderInFlight = new Set();
    this.goingAwayDelay = null;
  }

  // ---- public API -------------------------------------------------------------------------

  /**
   * Connects and logs in with {name, password} or {token}; stays connected (reconnecting with
   * backoff) until {@link close}. Rooms stored by an earlier page load of the same player are
   * restored and resumed after the login.
   */
  login(credentials) {
    this.credentials = { ...credentials };
    this.sessionToken = null;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  /** Closes for good: no reconnect. Joined rooms stay stored for the next login. */
  close() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.dropSocket();
    this.setStatus({ state: "offline", reason: "signed out" });
  }

  listRooms() { this.send("RoomListRequest", {}); }

  createRoom(name, maxMembers = 0) {
    this.pendingCreates.push(name);
    this.send("CreateRoomRequest", maxMembers ? { name, maxMembers } : { name });
  }

  /** Joins a room, or resumes it from its last seen message when it is already known. */
  joinRoom(roomId) {
    roomId = String(roomId);
    const known = this.rooms.get(roomId);
    const body = { roomId };
    if (known && known.lastSeen > 0) body.lastSeenSeq = String(known.lastSeen);
    this.pendingJoins.push({ roomId, lastSeen: known ? known.lastSeen : 0 });
    this.send("JoinRoomRequest", body);
  }

  leaveRoom(roomId) {
    roomId = String(roomId);
    this.pendingLeaves.push(roomId);
    this.send("LeaveRoomRequest", { roomId });
  }

  /** Sends chat text to a room; returns its clientMsgId (echoed in its ChatNotify). */
  chat(roomId, text) {
    const clientMsgId = String(++this.nextClientMsgId);
    this.send("ChatRequest", { roomId: String(roomId), text, clientMsgId });
    return clientMsgId;
  }

  /** Asks for the page of messages before the oldest one held for the room. */
  loadOlder(roomId) {
    const room = this.rooms.get(String(roomId));
    if (!room || !room.hasOlder || this.olderInFlight.has(room.id) || this.state !== "online") return false;
    const body = { roomId: room.id, limit: HISTORY_PAGE };
    if (room.oldest > 0) body.beforeSeq = String(room.oldest);
    this.olderInFlight.add(room.id);
    this.send("HistoryRequest", body);
    return true;
  }

  /** A room's messages in seq order. */
  messagesOf(roomId) {
    const room = this.rooms.get(String(roomId));
    return room ? [...room.messages.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  // ---- connection -------------------------------------------------------------------------

  connect() {
    clearTimeout(this.reconnectTimer);
    this.dropSocket();
    this.setStatus({ state: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url, SUBPROTOCOL);
    } catch (e) {
      this.scheduleReconnect(String(e.message || e));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this.lastReceived = Date.now();
      this.startHeartbeat();
      const c = this.sessionToken ? { token: this.sessionToken } : this.credentials;
      const body = {};
      for (const key of ["name", "password", "token"]) if (c[key]) body[key] = c[key];
      this.send("LoginRequest", body);
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastReceived = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // not ours to judge; the server only sends JSON on this subprotocol
      }
      this.dispatch(message.type, message.body || {});
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.stopHeartbeat();
      this.scheduleReconnect(event.reason || `connection closed (${event.code})`);
    };
    ws.onerror = () => { /* onclose follows and decides */ };
  }

  dropSocket() {
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    this.pendingJoins = [];
    this.pendingLeaves = [];
    this.pendingCreates = [];
    this.gapFills.clear();
    this.olderInFlight.clear();
    if (ws) {
      try { ws.close(1000, "bye"); } catch { /* already closing */ }
    }
  }

  scheduleReconnect(reason) {
    if (this.stopped) {
      this.setStatus({ state: "offline", reason });
      return;
    }
    let delayMs;
    if (this.goingAwayDelay !== null) {
      // the server said when: that, plus jitter so its players do not all return at once
      delayMs = this.goingAwayDelay + Math.random() * Math.max(1000, this.goingAwayDelay);
      this.goingAwayDelay = null;
    } else {
      const ceiling = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** this.attempt);
      delayMs = ceiling / 2 + Math.random() * ceiling / 2;
    }
    this.attempt++;
    for (const room of this.rooms.values()) room.joined = false;
    this.setStatus({ state: "reconnecting", attempt: this.attempt, delayMs: Math.round(delayMs), reason });
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  /** Reconnects now (a "retry" button), keeping the credentials. */
  reconnectNow() {
    if (!this.credentials && !this.sessionToken) return;
    this.stopped = false;
    this.connect();
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastReceived > DEAD_AFTER_MS) {
        this.abandon("the server stopped answering");
        return;
      }
      this.send("PingRequest", { nonce: String(this.nextNonce++) });
    }, PING_EVERY_MS);
  }

  /** Gives up this connection and reconnects later. */
  abandon(reason) {
    const ws = this.ws;
    this.ws = null;
    this.stopHeartbeat();
    try { if (ws) ws.close(4000, "reconnecting"); } catch { /* already closing */ }
    this.scheduleReconnect(reason);
  }

  stopHeartbeat() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  send(type, body) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify({ type, body }));
    return true;
  }

  setStatus(detail) {
    this.state = detail.state;
    this.emit("status", detail);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // ---- incoming ---------------------------------------------------------------------------

  dispatch(type, body) {
    const handler = HANDLERS[type];
    if (handler) handler.call(this, body); // unknown types: a newer server; ignored
  }

  onLogin(r) {
    const result = r.result || "OK";
    if (result !== "OK" && this.sessionToken && this.credentials && (this.credentials.password || this.credentials.token)) {
      // the session token of the last login is refused (expired): log in as the user did
      this.sessionToken = null;
      this.abandon(r.reason || result);
      return;
    }
    if (result !== "OK") {
      if (FINAL_LOGIN_RESULTS.has(result) || this.attempt === 0) {
        this.stopped = true;
        this.dropSocket();
        this.setStatus({ state: "offline", reason: r.reason || result });
        this.emit("loginfailed", { result, reason: r.reason || result });
      }
      this.abandon(r.reason || result); // SERVER_BUSY, RATE_LIMITED on a reconnect: try later
      return;
    }
    if (r.sessionToken) this.sessionToken = r.sessionToken;
    const first = !this.player || this.player.name !== r.name;
    this.player = { playerId: r.playerId || "0", name: r.name };
    this.attempt = 0;
    this.setStatus({ state: "online" });
    this.emit("login", { ...this.player });
    if (first && this.rooms.size === 0) this.restore();
    // Resume every room held: each join carries the room's last seen seq.
    for (const room of this.rooms.values()) this.joinRoom(room.id);
    this.listRooms();
  }

  onRoomList(r) {
    this.emit("roomlist", { rooms: (r.rooms || []).map(normalizeRoomInfo) });
  }

  onCreate(r) {
    this.pendingCreates.shift();
    const result = r.result || "OK";
    if (result !== "OK") {
      this.emit("joinfailed", { roomId: null, result, reason: r.reason || result });
      return;
    }
    const room = this.roomFor(r.room);
    this.enterRoom(room, r.members, [], false);
  }

  onJoin(r) {
    const result = r.result || "OK";
    const roomId = r.room ? String(r.room.roomId) : null;
    const index = roomId ? this.pendingJoins.findIndex((p) => p.roomId === roomId) : 0;
    const pending = this.pendingJoins.splice(index >= 0 ? index : 0, 1)[0];
    if (result !== "OK") {
      const failedId = roomId || (pending && pending.roomId);
      const known = failedId && this.rooms.get(failedId);
      if (known && (result === "ROOM_NOT_FOUND" || result === "NOT_IN_ROOM") && !known.joined) {
        // a resumed room that is gone: nothing to resume
        this.forget(failedId, result, r.reason);
      } else if (known && !known.joined && result === "ALREADY_IN_ROOM") {
        this.forget(failedId, result, r.reason || "the server allows one room at a time");
      }
      this.emit("joinfailed", { roomId: failedId, result, reason: r.reason || result });
      return;
    }
    const room = this.roomFor(r.room);
    const recent = (r.recent || []).map((m) => this.normalizeMessage(m));
    if (r.hasGap && pending && pending.lastSeen > 0) {
      // page forwards from what we had to the first message of `recent` (or of the live stream)
      this.gapFills.set(room.id, recent.length ? recent[0].seq : Infinity);
      this.send("HistoryRequest", { roomId: room.id, afterSeq: String(pending.lastSeen), beforeSeq: recent.length ? String(recent[0].seq) : undefined, limit: HISTORY_PAGE });
    }
    this.enterRoom(room, r.members, recent, true);
  }

  enterRoom(room, members, recent, fromJoin) {
    room.joined = true;
    room.members = new Map((members || []).map((m) => [String(m.playerId), normalizeMember(m)]));
    if (!this.rooms.has(room.id)) this.rooms.set(room.id, room);
    this.emit("joined", { room });
    if (!fromJoin || room.messages.size === 0) {
      // first time in this room: what is older than `recent` can be paged
      room.hasOlder = recent.length ? recent[0].seq > 1 : false;
    }
    this.addMessages(room, recent);
    this.save();
  }

  onLeave(r) {
    // a server with several rooms per player names the room left; else the oldest request's
    const named = r.roomId && r.roomId !== "0" ? String(r.roomId) : null;
    const index = named ? this.pendingLeaves.indexOf(named) : 0;
    const roomId = this.pendingLeaves.splice(index >= 0 ? index : 0, 1)[0] || named;
    const result = r.result || "OK";
    if (result === "OK" || result === "NOT_IN_ROOM") {
      if (roomId) this.forget(roomId, "OK", "");
    } else {
      this.emit("servererror", { result, reason: r.reason || result, requestType: "LEAVE_ROOM_REQUEST" });
    }
  }

  forget(roomId, result, reason) {
    this.rooms.delete(roomId);
    this.gapFills.delete(roomId);
    this.save();
    this.emit("left", { roomId, result, reason: reason || "" });
  }

  onChat(m) {
    const message = this.normalizeMessage(m);
    const room = this.rooms.get(message.roomId);
    if (!room) return; // a notice after we left, or of a room we never asked for
    if (this.gapFills.get(room.id) === Infinity) {
      // the gap ends where the live stream starts: tell the paging loop
      this.gapFills.set(room.id, message.seq);
    }
    this.addMessages(room, [message]);
    this.save();
  }

  onHistory(r) {
    const roomId = String(r.roomId || "0");
    const room = this.rooms.get(roomId);
    const result = r.result || "OK";
    const messages = (r.messages || []).map((m) => this.normalizeMessage(m));
    if (this.gapFills.has(roomId)) {
      const stopBefore = this.gapFills.get(roomId);
      if (!room || result !== "OK") {
        this.gapFills.delete(roomId);
      } else {
        this.addMessages(room, messages);
        const last = messages.length ? messages[messages.length - 1].seq : stopBefore;
        if (r.hasMore && messages.length && last < stopBefore - 1) {
          const body = { roomId, afterSeq: String(last), limit: HISTORY_PAGE };
          if (stopBefore !== Infinity) body.beforeSeq = String(stopBefore);
          this.send("HistoryRequest", body);
        } else {
          this.gapFills.delete(roomId);
        }
        this.save();
      }
      return;
    }
    this.olderInFlight.delete(roomId);
    if (!room) return;
    if (result !== "OK") {
      this.emit("servererror", { result, reason: r.reason || result, requestType: "HISTORY_REQUEST" });
      return;
    }
    room.hasOlder = Boolean(r.hasMore) && messages.length > 0;
    this.addMessages(room, messages);
    this.save();
    this.emit("history", { room, hasOlder: room.hasOlder });
  }

  onMemberJoined(r) {
    const room = this.rooms.get(String(r.roomId));
    if (!room || !r.member) return;
    const member = normalizeMember(r.member);
    room.members.set(member.playerId, member);
    this.emit("members", { room, joined: member });
  }

  onMemberLeft(r) {
    const room = this.rooms.get(String(r.roomId));
    if (!room || !r.member) return;
    const member = normalizeMember(r.member);
    room.members.delete(member.playerId);
    this.emit("members", { room, left: member });
  }

  onError(r) {
    const result = r.result || "OK";
    if (r.clientMsgId && r.clientMsgId !== "0") {
      this.emit("chatfailed", { clientMsgId: String(r.clientMsgId), result, reason: r.reason || result, retryAfterMs: Number(r.retryAfterMs || 0) });
      return;
    }
    if (result === "SESSION_REPLACED") {
      // another tab or device logged in as us: coming back would throw it out in turn
      this.stopped = true;
    }
    this.emit("servererror", { result, reason: r.reason || result, requestType: r.requestType || "" });
  }

  onGoingAway(r) {
    this.goingAwayDelay = Number(r.reconnectAfterMs || 0);
    this.emit("goingaway", { reason: r.reason || "", reconnectAfterMs: this.goingAwayDelay });
  }

  // ---- rooms and messages -----------------------------------------------------------------

  roomFor(info) {
    const normalized = normalizeRoomInfo(info || {});
    let room = this.rooms.get(normalized.roomId);
    if (!room) {
      room = { id: normalized.roomId, name: normalized.name, info: normalized, members: new Map(),
        messages: new Map(), lastSeen: 0, oldest: 0, hasOlder: false, joined: false };
    }
    room.info = normalized;
    room.name = normalized.name;
    return room;
  }

  /** Adds messages not held yet (dedupe by seq) and emits only those. */
  addMessages(room, messages) {
    const added = [];
    for (const m of messages) {
      if (!(m.seq > 0) || room.messages.has(m.seq)) continue;
      room.messages.set(m.seq, m);
      added.push(m);
      // an edit or delete event (docs/protocol.md, Edits and deletes): the message it changes
      // takes its kind and text, as history would return it
      const target = isChangeEvent(m) ? room.messages.get(m.targetSeq) : undefined;
      if (target) room.messages.set(target.seq, { ...target, kind: m.kind, text: m.text, targetSeq: target.seq });
      if (m.seq > room.lastSeen) room.lastSeen = m.seq;
      if (room.oldest === 0 || m.seq < room.oldest) room.oldest = m.seq;
    }
    if (room.messages.size > this.keepMessages) this.trim(room);
    if (added.length) {
      added.sort((a, b) => a.seq - b.seq);
      this.emit("messages", { room, added });
    }
  }

  /** Keeps the newest messages; the dropped ones can be paged again. */
  trim(room) {
    const seqs = [...room.messages.keys()].sort((a, b) => a - b);
    for (const seq of seqs.slice(0, seqs.length - this.keepMessages)) room.messages.delete(seq);
    room.oldest = seqs[seqs.length - this.keepMessages];
    room.hasOlder = true;
  }

  normalizeMessage(m) {
    const sender = normalizeMember(m.sender || {});
    return {
      roomId: String(m.roomId || "0"),
      seq: Number(m.seq || 0),
      sender,
      text: m.text || "",
      kind: m.kind || "CHAT_KIND_MESSAGE",
      targetSeq: Number(m.targetSeq || 0),
      clientMsgId: String(m.clientMsgId || "0"),
      serverTimeMs: Number(m.serverTimeMs || 0),
      own: Boolean(this.player) && sender.name === this.player.name,
    };
  }

  // ---- surviving a page reload ------------------------------------------------------------

  storageKey() {
    return this.player ? `parley:${this.url}:${this.player.name}` : null;
  }

  save() {
    const key = this.storageKey();
    if (!this.storage || !key) return;
    const rooms = [...this.rooms.values()].map((room) => ({
      info: room.info, hasOlder: room.hasOlder,
      messages: [...room.messages.values()].sort((a, b) => a.seq - b.seq),
    }));
    try {
      this.storage.setItem(key, JSON.stringify({ rooms }));
    } catch {
      /* storage full or disabled: resume then only covers this page load */
    }
  }

  restore() {
    const key = this.storageKey();
    if (!this.storage || !key) return;
    let saved;
    try {
      saved = JSON.parse(this.storage.getItem(key) || "null");
    } catch {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.rooms)) return;
    for (const s of saved.rooms) {
      const room = this.roomFor(s.info);
      room.hasOlder = Boolean(s.hasOlder);
      this.rooms.set(room.id, room);
      this.addMessages(room, (s.messages || []).map((m) => ({ ...m, own: m.sender && m.sender.name === this.player.name })));
    }
  }
}

const HANDLERS = {
  LoginResponse: ParleyClient.prototype.onLogin,
  RoomListResponse: ParleyClient.prototype.onRoomList,
  CreateRoomResponse: ParleyClient.prototype.onCreate,
  JoinRoomResponse: ParleyClient.prototype.onJoin,
  LeaveRoomResponse: ParleyClient.prototype.onLeave,
  ChatNotify: ParleyClient.prototype.onChat,
  HistoryResponse: ParleyClient.prototype.onHistory,
  MemberJoinedNotify: ParleyClient.prototype.onMemberJoined,
  MemberLeftNotify: ParleyClient.prototype.onMemberLeft,
  ErrorNotify: ParleyClient.prototype.onError,
  GoingAwayNotify: ParleyClient.prototype.onGoingAway,
  PongResponse() { /* lastReceived is enough */ },
};

function normalizeMember(m) {
  return { playerId: String(m.playerId || "0"), name: m.name || "" };
}

function normalizeRoomInfo(r) {
  return {
    roomId: String(r.roomId || "0"),
    name: r.name || "",
    memberCount: Number(r.memberCount || 0),
    maxMembers: Number(r.maxMembers || 0),
    permanent: Boolean(r.permanent),
  };
}

/**
 * An edit or delete event: it changes message targetSeq. An EDIT or DELETE whose targetSeq is its
 * own seq is a message in its final state, as history returns it (docs/protocol.md, Edits and deletes).
 */
export function isChangeEvent(m) {
  return (m.kind === "CHAT_KIND_EDIT" || m.kind === "CHAT_KIND_DELETE") && m.targetSeq !== m.seq;
}
