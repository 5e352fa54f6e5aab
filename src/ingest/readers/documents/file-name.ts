import path from 'node:path';

/** The file name without folders, a trailing ".gz" and its extension: "/a/Gout Flare.md.gz" → "Gout Flare". */
export function fileStem(filePath: string): string {
  const base = path.basename(filePath).replace(/\.gz$/i, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * A stable, URL-safe id part from free text: lower-case ASCII letters, digits and single hyphens.
 * Accents are folded ("Ménière" → "meniere"); other scripts are dropped, hence the fallback.
 */
export function slugify(value: string, fallback = 'document'): string {
  const slug = value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? fallback : slug;
}

/** `doc:<slug of the file name>`: the id of a document that does not name its own. */
export function documentIdFromPath(filePath: string): string {
  return `doc:${slugify(fileStem(filePath))}`;
}
