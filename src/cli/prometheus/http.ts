/**
 * The exporter's HTTP side (node:http): GET /metrics and /healthz, nothing else. Built so that
 * no client can hold up the others or grow memory without bound: headers and whole requests
 * have deadlines, idle and stalled sockets are closed, the number of connections is capped
 * (excess ones are closed at once), request bodies are refused unread, and concurrent scrapes
 * share one reading of the kernel (the caller's `scrape`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface HttpLimits {
  /** Connections served at once; the kernel's backlog holds no more, Node closes the excess. */
  maxConnections: number;
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request must arrive within this. */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request for this long is closed. */
  keepAliveTimeoutMs: number;
  /**
   * A socket with no traffic either way for this long is closed (a client that stops reading its
   * response). Longer than the others: a reading of a namespace with very many connections may
   * take seconds, and the socket is quiet meanwhile.
   */
  socketTimeoutMs: number;
}

export const defaultHttpLimits: HttpLimits = { maxConnections: 128, headersTimeoutMs: 5000, requestTimeoutMs: 10000, keepAliveTimeoutMs: 5000, socketTimeoutMs: 30000 };

export interface MetricsServerOptions {
  host: string;
  port: number;
  limits: HttpLimits;
  /** The exposition text and its content type; rejects when nothing could be read. */
  scrape: () => Promise<{ contentType: string; body: string }>;
}

/** Longest header block accepted (Node's default is 16 KiB; a scraper sends a few hundred bytes). */
const MAX_HEADER_BYTES = 8192;

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}, head = false): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(head ? undefined : body);
}

/** Whether a request carries a body (which is never read: the connection is closed instead). */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

async function handle(req: IncomingMessage, res: ServerResponse, options: MetricsServerOptions): Promise<void> {
  const close = { Connection: 'close' };
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'only GET and HEAD\n', { ...close, Allow: 'GET, HEAD' });
  if (hasBody(req)) return reply(res, 413, 'no request body is accepted\n', close);
  const head = req.method === 'HEAD';
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') return reply(res, 200, 'ok\n', {}, head);
  if (path === '/') return reply(res, 200, 'mptcpctl exporter: metrics at /metrics, health at /healthz\n', {}, head);
  if (path !== '/metrics') return reply(res, 404, 'not found: try /metrics\n', {}, head);
  let result: { contentType: string; body: string };
  try {
    result = await options.scrape();
  } catch (err) {
    return reply(res, 500, `scrape failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  // The client may have gone while the kernel was read.
  if (res.destroyed) return;
  reply(res, 200, result.body, { 'Content-Type': result.contentType }, head);
}

/** Listens on host:port; resolves once bound (rejects with the listen error). */
export function startMetricsServer(options: MetricsServerOptions): Promise<Server> {
  const { limits } = options;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two deadlines above are checked (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    (req, res) => {
      handle(req, res, options).catch(() => res.destroy());
    },
  );
  server.maxConnections = limits.maxConnections;
  // Also a client that stops reading its response: with no traffic for this long, the socket goes.
  server.setTimeout(limits.socketTimeoutMs, (socket) => socket.destroy());
  // Malformed requests, oversized headers: answer 400 if the socket can still take it, then close.
  server.on('clientError', (_err, socket) => {
    if (!socket.writable) return void socket.destroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, backlog: limits.maxConnections }, () => {
      server.removeListener('error', reject);
      resolve(server);
    });
  });
}

/** Stops listening and closes every connection, idle or not. */
export function stopMetricsServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
