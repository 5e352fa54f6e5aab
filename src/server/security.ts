import type { FastifyInstance } from 'fastify';

/**
 * Headers every response carries, errors and 404s included. The API serves data, never pages, so
 * the strictest settings cost nothing: a response opened in a browser runs no script, loads
 * nothing and cannot be framed; browsers do not guess types; no URL (which may hold a search) is
 * sent on as a referrer; other sites cannot embed responses. `no-store`: answers about patients
 * do not belong in shared caches. The HTML pages (routes/pages.ts) set a policy of their own that
 * allows their one inline style sheet by its hash, and still no script.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function installSecurityHeaders(app: FastifyInstance): void {
  // onSend runs for every reply fastify sends, streamed ones too, before the headers go out.
  app.addHook('onSend', async (_request, reply, payload) => {
    // A route may set a policy of its own first (the HTML pages allow their one inline style).
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
}
