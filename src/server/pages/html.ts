import { createHash } from 'node:crypto';

/**
 * The few HTML pages the server renders itself (article pages, the editorial policy): readable
 * without JavaScript, printable, and safe: every text is escaped, there is no script, and the one
 * style sheet is inline and allowed by its hash in the page's Content-Security-Policy.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = string | number | Html | undefined | null | false | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => (out += render(value) + (strings[i + 1] ?? '')));
  return new Html(out);
}

const STYLE = `
:root { color-scheme: light; --ink: #1b1f23; --muted: #57606a; --line: #d0d7de; --accent: #0a5c8a; --warn-bg: #fff8c5; --warn: #7d4e00; --ok-bg: #dafbe1; --ok: #116329; --bad-bg: #ffebe9; --bad: #a40e26; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
header.site { border-bottom: 1px solid var(--line); padding: .6rem 1rem; font-weight: 600; }
header.site a { color: var(--ink); text-decoration: none; }
header.site nav { display: inline; margin-left: 1rem; font-weight: 400; }
header.site nav a { margin-right: .9rem; color: var(--accent); }
header.site nav a:hover { text-decoration: underline; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
a { color: var(--accent); }
.banner { border-radius: 6px; padding: .6rem .8rem; margin: .5rem 0; }
.banner.pending { background: var(--warn-bg); color: var(--warn); }
.banner.approved { background: var(--ok-bg); color: var(--ok); }
.banner.flagged { background: var(--bad-bg); color: var(--bad); }
ol.steps { display: flex; gap: .4rem; list-style: none; padding: 0; margin: .8rem 0; flex-wrap: wrap; }
ol.steps li { border: 1px solid var(--line); border-radius: 999px; padding: .1rem .7rem; font-size: .9rem; color: var(--muted); }
ol.steps li.done { border-color: var(--ok); color: var(--ok); }
ol.steps li.current { border-color: var(--accent); color: #fff; background: var(--accent); }
.meta { color: var(--muted); font-size: .95rem; }
.bottom-line { font-weight: 700; font-size: 1.08rem; }
sup.cite a { text-decoration: none; font-weight: 600; padding: 0 .1rem; }
.partial { border-bottom: 2px dotted var(--warn); }
.note { color: var(--warn); font-size: .9rem; }
ol.refs li { margin-bottom: .6rem; }
.label { display: inline-block; font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.integrity { color: var(--bad); font-weight: 600; }
footer { border-top: 1px solid var(--line); margin-top: 2.5rem; padding-top: 1rem; font-size: .92rem; color: var(--muted); }
@media (max-width: 30rem) { body { font-size: 16px; } h1 { font-size: 1.4rem; } }
@media print { header.site, .noprint { display: none; } a { color: var(--ink); } body { font-size: 12pt; } }
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The Content-Security-Policy of the server's pages: nothing but the inline style sheet and images of this origin. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;

export function page(title: string, body: Html, options: { description?: string } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · citemed</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<style>${new Html(STYLE)}</style>
</head>
<body>
<header class="site"><a href="/">citemed</a><nav aria-label="Main"><a href="/">Ask</a><a href="/articles">Articles</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
