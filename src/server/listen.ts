import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { CitemedError } from '../domain/errors.js';
import type { ServerSettings } from './context.js';

export interface RunningServer {
  /** "http://127.0.0.1:8787": where it listens (the real port when 0 was asked for). */
  url: string;
  /**
   * Shuts down gracefully: new connections are refused at once, new requests on open ones get
   * 503 and readiness fails, requests in flight finish and their connections close after them;
   * after `shutdownGraceMs` the connections still open are cut (their answers are cancelled).
   * Resolves when the server has stopped. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** Cuts every connection now, for a second Ctrl-C. */
  closeNow(): void;
}

export async function listen(app: FastifyInstance, settings: Pick<ServerSettings, 'host' | 'port' | 'shutdownGraceMs'>): Promise<RunningServer> {
  const connections = trackConnections(app);
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    throw listenError(error, settings);
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const closeNow = () => app.server.closeAllConnections();
  return {
    url: `http://${host}:${address.port}`,
    closeNow,
    close: () =>
      (closing ??= (async () => {
        const grace = setTimeout(closeNow, settings.shutdownGraceMs);
        grace.unref();
        try {
          const closed = app.close();
          connections.closeIdle();
          await closed;
        } finally {
          clearTimeout(grace);
        }
      })()),
  };
}

/**
 * Which connections are answering a request. Node's server.close() closes only the connections
 * that are idle when it is called, and counts a connection that has not sent a request yet (a
 * client's spare or pre-opened one) as busy; left alone, either would hold shutdown open until
 * the grace period ran out. So once shutdown begins, every connection without a request in
 * progress is ended, now and whenever a response finishes. `end()` rather than `destroy()`:
 * what was written still reaches the client.
 */
function trackConnections(app: FastifyInstance): { closeIdle(): void } {
  const open = new Set<Socket>();
  const active = new Map<Socket, number>();
  let closing = false;
  const closeIdle = () => {
    closing = true;
    for (const socket of open) if (!active.has(socket)) socket.end();
  };
  app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      active.delete(socket);
    });
  });
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (active.get(socket) ?? 1) - 1;
      if (left > 0) active.set(socket, left);
      else active.delete(socket);
      if (closing) closeIdle();
    });
  });
  return { closeIdle };
}

/** The usual reasons a server cannot start, as errors that say which setting to change. */
function listenError(error: unknown, settings: Pick<ServerSettings, 'host' | 'port'>): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${settings.host}:${settings.port}`;
  const hint = 'choose another with --host/--port or the server.host/server.port settings';
  if (code === 'EADDRINUSE') return new CitemedError('bad-config', `${where} is already in use`, { hint, cause: error });
  if (code === 'EACCES') return new CitemedError('bad-config', `no permission to listen on ${where} (ports below 1024 need privileges)`, { hint, cause: error });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CitemedError('bad-config', `cannot listen on ${where}: no such address here`, { hint, cause: error });
  return error;
}
