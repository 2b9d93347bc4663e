import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/**
 * Node hands CONNECT requests to the server's 'connect' listeners and, with none, drops the connection without a
 * word. This service is no proxy: it answers 405 with the one error shape and closes.
 */
export function refuseConnectMethod(server: Pick<Server, 'on'>): void {
  server.on('connect', (_request: unknown, socket: Duplex) => {
    const body = JSON.stringify({
      status_code: 405,
      error: STATUS_CODES[405],
      message: 'CONNECT is not supported: this service is not a proxy',
      request_id: '',
    });
    socket.on('error', () => undefined);
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\n' +
        'Allow: GET, HEAD, POST, DELETE, OPTIONS\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
