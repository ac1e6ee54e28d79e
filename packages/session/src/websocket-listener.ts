import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { invalidArgument, RdshareError } from './errors.js';
import { type PeerAddress, peerOfSocket } from './peer-address.js';
import type { TlsIdentity } from './tls-certificate.js';

/** How `RdpSession.listenWebSocket` listens. */
export interface WebSocketListenerOptions {
  /** TCP port for HTTP and WebSocket (0 picks a free one; read it back from `port`). */
  port: number;
  /** Address to bind; all interfaces when omitted. */
  host?: string;
  /** The URL path viewers open their WebSocket on (default `/rdp`); upgrades elsewhere are refused. */
  path?: string;
  /**
   * A directory served over plain GET/HEAD on the same port (the built `apps/web-viewer`), so one port carries
   * the page and its connection. Nothing is served when omitted.
   */
  staticDir?: string;
  /** Certificate and key (PEM): serve `https://` and `wss://` instead of `http://` and `ws://`. */
  tls?: TlsIdentity;
  /**
   * Origins (`scheme://host[:port]`) whose pages may connect. By default a browser page may connect only when
   * served from this listener itself (its Origin matches the Host it asked for); clients that send no Origin
   * (non-browser programs) are always let through to RDP's own authentication.
   */
  allowedOrigins?: readonly string[];
  /** Largest WebSocket message accepted from a viewer, in bytes (default 65536: one TPKT at most). */
  maxMessageBytes?: number;
  /** At most this many TCP connections (page loads and viewers together) at once (default 128). */
  maxConnections?: number;
}

/** What the listener hands to the session for each accepted WebSocket. */
export type WebSocketConnect = (stream: Duplex, peer: PeerAddress) => void;

/** Default WebSocket path. */
const DEFAULT_PATH = '/rdp';
/** A viewer's PDUs fit in a TPKT (16-bit length), so one message needs no more. */
const DEFAULT_MAX_MESSAGE_BYTES = 65536;
const DEFAULT_MAX_CONNECTIONS = 128;
/** Bytes buffered toward the session before reading from the WebSocket pauses. */
const READ_HIGH_WATER_MARK = 64 * 1024;
/** RFC 6455 close code: the endpoint received a data type it cannot accept (text where binary is expected). */
const CLOSE_UNSUPPORTED_DATA = 1003;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The session's WebSocket listener: one port that serves the web viewer's static page over HTTP and carries
 * viewers' RDP byte streams in binary WebSocket messages. Each WebSocket goes through the session's normal
 * connection path with the socket's remote address as the peer, so admission, the guessing budget and the
 * handshake limits apply exactly as to a TCP viewer. Made by `RdpSession.listenWebSocket`; closed with the session.
 *
 * Security: a browser cannot run a TLS handshake inside a WebSocket, so viewers on this listener use Standard RDP
 * Security (RC4 with keys from the RSA exchange, the server key pinned against the ticket's key hash). Give `tls`
 * to wrap the WebSocket itself in TLS (`wss://`) as well.
 */
export class WebSocketListener {
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    /** The port bound. */
    readonly port: number,
    /** The WebSocket URL viewers on this machine use (`ws://` or `wss://`, host as bound). */
    readonly url: string,
  ) {}

  /** @internal Binds the port; `connect` runs each accepted WebSocket's RDP connection. */
  static async start(
    options: WebSocketListenerOptions,
    connect: WebSocketConnect,
    report: (error: unknown, what: string) => void,
  ): Promise<WebSocketListener> {
    const settings = validate(options);
    const staticRoot = settings.staticDir === undefined ? undefined : resolve(settings.staticDir);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      serveStatic(staticRoot, req, res).catch((error) => {
        report(error, 'web listener: static file failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    };
    const server = settings.tls ? createHttpsServer(settings.tls, onRequest) : createHttpServer(onRequest);
    server.maxConnections = settings.maxConnections;
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: settings.maxMessageBytes,
      perMessageDeflate: false,
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const refusal = upgradeRefusal(req, settings);
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          connect(bridge(ws), peerOfSocket(req.socket));
        } catch (error) {
          ws.terminate();
          report(error, 'web listener: connection refused');
        }
      });
    });
    await new Promise<void>((done, fail) => {
      server.once('error', (error) =>
        fail(
          new RdshareError(
            'LISTEN_FAILED',
            `cannot listen for web viewers on ${settings.host ?? '*'}:${settings.port}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      server.listen({ port: settings.port, host: settings.host }, () => done());
    });
    server.on('error', (error) => report(error, 'web listener error'));
    const port = (server.address() as AddressInfo).port;
    const host = settings.host === undefined ? 'localhost' : hostForUrl(settings.host);
    return new WebSocketListener(server, wss, port, `${settings.tls ? 'wss' : 'ws'}://${host}:${port}${settings.path}`);
  }

  /** Stops listening and ends the WebSocket connections (their attendees disconnect). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

type Settings = Required<Omit<WebSocketListenerOptions, 'host' | 'staticDir' | 'tls' | 'allowedOrigins'>> &
  Pick<WebSocketListenerOptions, 'host' | 'staticDir' | 'tls' | 'allowedOrigins'>;

function validate(options: WebSocketListenerOptions): Settings {
  if (typeof options !== 'object' || options === null) throw invalidArgument('listenWebSocket needs an options object');
  const { port, host, path = DEFAULT_PATH, staticDir, tls, allowedOrigins } = options;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff)
    throw invalidArgument(`port must be an integer from 0 to 65535, got ${String(port)}`);
  if (host !== undefined && typeof host !== 'string') throw invalidArgument('host must be a string');
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalidArgument(`path must start with /, got ${path}`);
  if (staticDir !== undefined && typeof staticDir !== 'string') throw invalidArgument('staticDir must be a string');
  if (tls !== undefined && (typeof tls?.cert !== 'string' || typeof tls?.key !== 'string'))
    throw invalidArgument('tls needs PEM strings cert and key');
  if (
    allowedOrigins !== undefined &&
    !(Array.isArray(allowedOrigins) && allowedOrigins.every((o) => typeof o === 'string'))
  )
    throw invalidArgument('allowedOrigins must be an array of origin strings');
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024)
    throw invalidArgument(`maxMessageBytes must be an integer of at least 1024, got ${String(maxMessageBytes)}`);
  if (!Number.isInteger(maxConnections) || maxConnections < 1)
    throw invalidArgument(`maxConnections must be a positive integer, got ${String(maxConnections)}`);
  return { port, host, path, staticDir, tls, allowedOrigins, maxMessageBytes, maxConnections };
}

/** Why an upgrade is refused (an HTTP status line), or undefined to accept it. */
function upgradeRefusal(req: IncomingMessage, settings: Settings): string | undefined {
  const path = (req.url ?? '').split('?')[0];
  if (path !== settings.path) return '404 Not Found';
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (settings.allowedOrigins) return settings.allowedOrigins.includes(origin) ? undefined : '403 Forbidden';
  const scheme = settings.tls ? 'https' : 'http';
  return origin === `${scheme}://${req.headers.host}` ? undefined : '403 Forbidden';
}

/**
 * The WebSocket as the byte stream the session reads: binary messages in order, the socket's reading paused
 * while the session has not consumed what arrived, writes completing only once handed to the socket, so the
 * session's own slow-peer bounds see the real backlog. A text message is bad input: it ends the connection with
 * close code 1003 before the session sees it.
 */
function bridge(ws: WebSocket): Duplex {
  const stream = new Duplex({
    readableHighWaterMark: READ_HIGH_WATER_MARK,
    read: () => ws.resume(),
    write: (chunk: Buffer, _encoding, done) => ws.send(chunk, done),
    final(done) {
      ws.close();
      done();
    },
    destroy(error, done) {
      // A close handshake under way (ours or the viewer's) finishes by itself, bounded by ws's close timeout.
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      done(error);
    },
  });
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      ws.close(CLOSE_UNSUPPORTED_DATA, 'RDP travels in binary messages');
      stream.destroy();
    } else if (!stream.push(data)) ws.pause();
  });
  ws.on('error', (error) => stream.destroy(error));
  ws.on('close', () => stream.destroy());
  return stream;
}

async function serveStatic(root: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = root === undefined ? undefined : staticFile(root, req.url ?? '/');
  const info: Stats | undefined = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
}

/** The file under `root` a request path names (`/` is index.html), or undefined when it leaves `root`. */
function staticFile(root: string, url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path));
  return file.startsWith(root + sep) ? file : undefined;
}

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);
