// The page: the camera, the overlay, the numbers and the panels. Everything on the wire — frames and their answers,
// the in-flight limit, reconnecting and resuming — is the SDK's (sdk/index.js).
import { connect, ClosedError, FrameTooLargeError } from './sdk/index.js';
import { drawFrame } from './overlay.js';
import { createAssistantPanel } from './assistant.js';
import { createTeachPanel } from './teach.js';
import { createLatencyPlot } from './latency.js';

const $ = (id) => document.getElementById(id);
const view = $('view');
const ctx = view.getContext('2d');
const video = $('camera');

const state = {
  session: null,
  abort: null,
  stream: null,
  running: false,
  hands: [],
  sentTimes: [],
  answeredTimes: [],
  glassMs: [],
  serverMs: [],
};

function say(text) {
  $('message').textContent = text;
}

/** The session (open or reconnecting), or null after telling the user there is none. */
function session() {
  if (state.session && state.session.state !== 'closed') return state.session;
  say('Not connected: start the camera first.');
  return null;
}

const assistant = createAssistantPanel(session, say);
const teach = createTeachPanel(session);
const latency = createLatencyPlot($('latency'));

function setConnection(text, status) {
  $('connection').textContent = text;
  document.body.dataset.state = status;
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

const listeners = {
  connection(c) {
    switch (c.state) {
      case 'connecting':
        setConnection('connecting…', 'connecting');
        break;
      case 'connected':
        setConnection('connected', 'connected');
        break;
      case 'reconnecting':
        // The SDK backs off so that a server restart is not met by a stampede of reconnects.
        setConnection(`reconnecting in ${(c.delayMs / 1000).toFixed(1)} s`, 'connecting');
        break;
      default:
        setConnection('disconnected', 'idle');
        if (c.closeCode === 1008) {
          // A policy close (no or a refused token): retrying would be refused the same way.
          say(`The server refused this session: ${c.reason || 'policy'}. Open the page with #token=… to sign in.`);
          stop();
        }
    }
  },
  welcome(m) {
    // Node and worker names come only from nodes with observability.exposeNodeNames on.
    $('worker').textContent = m.capabilities.node ?? '–';
  },
  sent(s) {
    state.sentTimes.push(s.captureTime);
  },
  hands(m) {
    state.hands = m.hands;
    const now = Date.now();
    state.answeredTimes.push(now);
    state.glassMs.push(now - m.captureTs);
    state.serverMs.push(m.timing.serverMs);
    latency.add(now, m.timing.serverMs, now - m.captureTs);
    $('worker').textContent = m.worker ?? '–';
    // Under load the server answers with the lite model rather than drop frames: say which model ran.
    $('model-ran').textContent = m.rung > 0 ? `${m.model} (under load)` : m.model;
    document.body.dataset.rung = String(m.rung);
    const gesture = m.hands.length ? m.hands[0].gesture : '';
    $('gesture').textContent = gesture === 'None' ? '' : gesture;
    document.body.dataset.gesture = gesture;
  },
  gesture(m) {
    const item = document.createElement('li');
    item.textContent = `${new Date(m.since).toLocaleTimeString()} ${m.name} (${m.hand})`;
    $('events').prepend(item);
  },
  stats(m) {
    // The server's median over its last interval; between stats the page keeps its own over recent answers.
    if (m.fpsOut > 0) $('server-ms').textContent = m.p50Ms.toFixed(1);
    $('dropped').textContent = m.dropped;
    $('degraded').textContent = m.degraded;
  },
  error(m) {
    // Errors about teaching and forgetting name the gesture: the Teach panel shows those.
    if (m.name === undefined) say(`${m.code}: ${m.message}`);
  },
};

/** Listener lists by type: the page's and each panel's. */
function allListeners(...sets) {
  const merged = {};
  for (const set of sets) {
    for (const [type, listener] of Object.entries(set)) (merged[type] ??= []).push(listener);
  }
  return merged;
}

async function openSession() {
  const abort = new AbortController();
  state.abort = abort;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  try {
    const opened = await connect(url, {
      token: accessToken() ?? undefined,
      hello: { model: $('model').value, ...assistant.helloFields() },
      // The camera is on: keep trying until the server is there, as after a restart.
      reconnect: { retryFirstConnect: true },
      signal: abort.signal,
      on: allListeners(listeners, assistant.listeners, teach.listeners),
    });
    state.session = opened;
    opened.startCamera(video, {
      width: () => Number($('capture-width').value),
      quality: () => Number($('quality').value),
      onError: (e) => {
        if (e instanceof FrameTooLargeError) say('Frames are larger than the server accepts: lower the width or quality.');
      },
    });
  } catch (e) {
    // Closed before the welcome: by Stop, or refused (said by the connection listener).
    if (!(e instanceof ClosedError)) say(`The connection failed: ${e.message}`);
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
  openSession();
  requestAnimationFrame(loop);
}

function stop() {
  state.running = false;
  state.abort?.abort(); // closes the session, also one still connecting
  state.session = null;
  state.stream?.getTracks().forEach((t) => t.stop());
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
  updateRates();
  requestAnimationFrame(loop);
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
// before its token's exp, which would otherwise end it (1008 token_expired); reconnects use it too.
window.addEventListener('hashchange', () => {
  const before = sessionStorage.getItem('palmreader.token');
  const token = accessToken();
  if (token && token !== before) state.session?.renewToken(token);
});

$('model').onchange = () => state.session?.configure({ model: $('model').value });
navigator.mediaDevices?.enumerateDevices && listCameras().catch(() => {});
if (new URLSearchParams(location.search).has('autostart')) start();
