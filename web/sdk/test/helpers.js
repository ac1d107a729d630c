import { connect } from '../index.js';
import { fakeServer, welcome } from './fake-websocket.js';

export const URL = 'ws://node.test/ws';

/** A session on a fake server, past its welcome with `limits`. */
export async function opened(options = {}, limits = {}, extra = {}) {
  const server = fakeServer();
  const connecting = connect(URL, { WebSocket: server.WebSocket, ...options });
  const socket = server.sockets[0];
  socket.open();
  socket.receive(welcome(limits, extra));
  const session = await connecting;
  return { server, socket, session };
}

/** A promise's outcome without waiting for it: pending, or what it settled with. */
export function track(promise) {
  const state = { settled: false, value: undefined, error: undefined };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

export const JPEG = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9);
