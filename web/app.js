import { encodeFrame } from './protocol.js';
import { drawFrame } from './overlay.js';
import { createAssistantPanel } from './assistant.js';
import { createTeachPanel } from './teach.js';
import { createLatencyPlot } from './latency.js';

const $ = (id) => document.getElementById(id);
const view = $('view');
const ctx = view.getContext('2d');
const video = $('camera');
const capture = document.createElement('canvas');

const state = {
  socket: null,
  stream: null,
  running: false,
  reconnectDelay: 500,
  limits: { inflight: 1, maxFrameBytes: 1 << 20 },
  seq: 0,
  unanswered: new Map(), // seq → time sent (ms)
  hands: [],
  sentTimes: [],
  answeredTimes: [],
  glassMs: [],
  serverMs: [],
};

function sendJson(message) {
  const socket = state.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    say('Not connected: start the camera first.');
    return false;
  }
  socket.send(JSON.stringify(message));
  return true;
}

const assistant = createAssistantPanel(sendJson);
const teach = createTeachPanel(sendJson);
const latency = createLatencyPlot($('latency'));

function setConnection(text, status) {
  $('connection').textContent = text;
  document.body.dataset.state = status;
}

function say(text) {
  $('message').textContent = text;
}

// A server that requires sign-in is opened as /#token=JWT: the fragment never leaves the browser, and the token
// is kept for this tab only. It travels in the WebSocket subprotocol list, never in a URL.
function accessToken() {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem('palmreader.token', fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('palmreader.token');
}

function connect() {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  setConnection('connecting…', 'connecting');
  const token = accessToken();
  const socket = token ? new WebSocket(url, ['palmreader', `bearer.${token}`]) : new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  state.socket = socket;
  socket.onopen = () => {
    state.reconnectDelay = 500;
    setConnection('connected', 'connected');
    // After a reconnect (a restarted or drained node) the token brings back the conversation, on any node.
    const resume = state.resumeToken ? { resume: state.resumeToken } : {};
    socket.send(JSON.stringify({ type: 'hello', model: $('model').value, ...assistant.helloFields(), ...resume }));
  };
  socket.onmessage = (event) => onMessage(JSON.parse(event.data));
  socket.onclose = (event) => {
    state.unanswered.clear();
    if (event.code === 1008) {
      // A policy close (no or a refused token): retrying would be refused the same way.
      say(`The server refused this session: ${event.reason || 'policy'}. Open the page with #token=… to sign in.`);
      state.running = false;
    }
    if (!state.running) {
      setConnection('disconnected', 'idle');
      return;
    }
    // Back off so that a server restart is not met by a stampede of reconnects.
    setConnection(`reconnecting in ${(state.reconnectDelay / 1000).toFixed(1)} s`, 'connecting');
    setTimeout(() => state.running && connect(), state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 8000);
  };
}

function onMessage(m) {
  if (assistant.onMessage(m) || teach.onMessage(m)) return;
  switch (m.type) {
    case 'welcome':
      state.limits = m.limits;
      state.resumeToken = m.resumeToken;
      // Node and worker names come only from nodes with observability.exposeNodeNames on.
      $('worker').textContent = m.capabilities.node ?? '–';
      break;
    case 'hands': {
      state.unanswered.delete(m.seq);
      state.hands = m.hands;
      const now = Date.now();
      state.answeredTimes.push(now);
      state.glassMs.push(now - m.captureTs);
      state.serverMs.push(m.timing.serverMs);
      latency.add(now, m.timing.serverMs, now - m.captureTs);
      $('worker').textContent = m.worker ?? '–';
      const gesture = m.hands.length ? m.hands[0].gesture : '';
      $('gesture').textContent = gesture === 'None' ? '' : gesture;
      document.body.dataset.gesture = gesture;
      break;
    }
    case 'gesture': {
      const item = document.createElement('li');
      item.textContent = `${new Date(m.since).toLocaleTimeString()} ${m.name} (${m.hand})`;
      $('events').prepend(item);
      break;
    }
    case 'stats':
      // The server's median over its last interval; between stats the page keeps its own over recent answers.
      if (m.fpsOut > 0) $('server-ms').textContent = m.p50Ms.toFixed(1);
      $('dropped').textContent = m.dropped;
      break;
    case 'dropped':
      state.unanswered.delete(m.seq);
      break;
    case 'error':
      if (m.seq !== undefined) state.unanswered.delete(m.seq);
      say(`${m.code}: ${m.message}`);
      break;
    default:
      break;
  }
}

async function listCameras() {
  const select = $('camera-select');
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  select.replaceChildren(...devices.map((d, i) => new Option(d.label || `Camera ${i + 1}`, d.deviceId)));
}

async function start() {
  say('');
  if (!navigator.mediaDevices?.getUserMedia) {
    say('This browser cannot use a camera here (a secure origin — https or localhost — is needed).');
    return;
  }
  try {
    const deviceId = $('camera-select').value;
    state.stream = await navigator.mediaDevices.getUserMedia({
      video: deviceId ? { deviceId: { exact: deviceId } } : { width: 1280, height: 720 },
      audio: false,
    });
  } catch (e) {
    say(e.name === 'NotAllowedError' ? 'Camera access was denied: allow it in the browser to start.'
      : e.name === 'NotFoundError' ? 'No camera was found.' : `The camera could not start: ${e.message}`);
    return;
  }
  video.srcObject = state.stream;
  await video.play();
  await listCameras();
  state.running = true;
  $('start').disabled = true;
  $('stop').disabled = false;
  connect();
  requestAnimationFrame(loop);
}

function stop() {
  state.running = false;
  state.stream?.getTracks().forEach((t) => t.stop());
  state.socket?.close();
  state.hands = [];
  $('start').disabled = false;
  $('stop').disabled = true;
}

function loop() {
  if (!state.running) return;
  if (video.videoWidth && (view.width !== video.videoWidth || view.height !== video.videoHeight)) {
    view.width = video.videoWidth;
    view.height = video.videoHeight;
  }
  drawFrame(ctx, video, state.hands);
  sendFrame();
  updateRates();
  requestAnimationFrame(loop);
}

function sendFrame() {
  const socket = state.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN || !video.videoWidth) return;
  // Never more frames unanswered than the server takes in flight: the rest would only wait and go stale.
  if (state.unanswered.size >= state.limits.inflight || state.encoding) return;
  const width = Math.min(Number($('capture-width').value), video.videoWidth);
  capture.width = width;
  capture.height = Math.round(video.videoHeight * width / video.videoWidth);
  capture.getContext('2d').drawImage(video, 0, 0, capture.width, capture.height);
  const captureTs = Date.now();
  const seq = ++state.seq;
  state.encoding = true;
  capture.toBlob(async (blob) => {
    state.encoding = false;
    if (!blob || socket.readyState !== WebSocket.OPEN) return;
    const jpeg = await blob.arrayBuffer();
    if (jpeg.byteLength > state.limits.maxFrameBytes) {
      say('Frames are larger than the server accepts: lower the width or quality.');
      return;
    }
    state.unanswered.set(seq, captureTs);
    state.sentTimes.push(captureTs);
    socket.send(encodeFrame(seq, captureTs, jpeg));
  }, 'image/jpeg', Number($('quality').value));
  // An answer that never comes (server restart) must not stall the camera for ever.
  for (const [s, t] of state.unanswered) {
    if (captureTs - t > 5000) state.unanswered.delete(s);
  }
}

function updateRates() {
  const now = Date.now();
  for (const list of [state.sentTimes, state.answeredTimes]) {
    while (list.length && now - list[0] > 1000) list.shift();
  }
  while (state.glassMs.length > 30) state.glassMs.shift();
  while (state.serverMs.length > 30) state.serverMs.shift();
  $('sent-fps').textContent = state.sentTimes.length;
  $('answered-fps').textContent = state.answeredTimes.length;
  if (state.glassMs.length) {
    $('glass-ms').textContent = median(state.glassMs).toFixed(0);
    $('server-ms').textContent = median(state.serverMs).toFixed(1);
  }
  latency.draw(now);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

$('start').onclick = start;
$('stop').onclick = stop;
// A fresh token given to the open page (location.hash = '#token=…', by whatever signs users in) renews the session
// before its token's exp, which would otherwise end it (1008 token_expired).
window.addEventListener('hashchange', () => {
  const before = sessionStorage.getItem('palmreader.token');
  const token = accessToken();
  if (token && token !== before && state.socket?.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify({ type: 'hello', token }));
  }
});

$('model').onchange = () => state.socket?.readyState === WebSocket.OPEN
  && state.socket.send(JSON.stringify({ type: 'hello', model: $('model').value }));
navigator.mediaDevices?.enumerateDevices && listCameras().catch(() => {});
if (new URLSearchParams(location.search).has('autostart')) start();
