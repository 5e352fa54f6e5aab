/**
 * What the start of an XML or HTML text says about it, before anything parses it: which reader a
 * file needs (ingest/formats.ts), and whether a service's reply is what was asked for
 * (adapters/literature).
 */

/** The name of the first element, skipping a BOM, the XML declaration, comments, DOCTYPE and PIs. */
export function xmlRootElement(text: string): string | undefined {
  const withoutBom = text.replace(/^\uFEFF/, '');
  const stripped = withoutBom
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, '');
  const match = /^\s*<([A-Za-z_][\w.:-]*)/.exec(stripped);
  return match?.[1];
}

/** Whether a text is an HTML page: an HTML DOCTYPE at its start, or an `<html>` root element. */
export function isHtmlPage(text: string): boolean {
  return /^\s*<!DOCTYPE\s+html\b/i.test(text.replace(/^\uFEFF/, '')) || xmlRootElement(text)?.toLowerCase() === 'html';
}

/** An HTML page's `<title>`, white space collapsed; undefined when it has none. */
export function htmlTitle(text: string): string | undefined {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
  return title === '' ? undefined : title;
}

/** How messages name an HTML page that came instead of data: `an HTML page ("Service unavailable")`. */
export function describeHtmlPage(text: string): string {
  const title = htmlTitle(text);
  return `an HTML page${title ? ` ("${title.slice(0, 120)}")` : ''}`;
}
