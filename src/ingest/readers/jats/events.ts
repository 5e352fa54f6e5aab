/**
 * The events one article produces, as the parts of the JATS reader see them. The parser is run
 * without namespace processing (PMC files use fixed prefixes such as `xlink:` and `mml:`, and some
 * omit the declarations), so names and attribute keys are the qualified names as written.
 */
export interface JatsElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
}

/**
 * One concern of the reader (front matter, text, references). It sees every element of the
 * article; `ancestors` runs from the `<article>` element down to the parent of `element`.
 */
export interface ArticleListener {
  open(element: JatsElement, ancestors: readonly JatsElement[]): void;
  text(text: string): void;
  close(element: JatsElement, ancestors: readonly JatsElement[]): void;
}

export function attribute(element: JatsElement, name: string): string | undefined {
  const value = element.attributes[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** True when the ancestors begin with exactly these element names (from `<article>` down). */
export function startsWith(ancestors: readonly JatsElement[], names: readonly string[]): boolean {
  if (ancestors.length < names.length) return false;
  return names.every((name, i) => ancestors[i]?.name === name);
}

export function parentName(ancestors: readonly JatsElement[]): string | undefined {
  return ancestors[ancestors.length - 1]?.name;
}

export function hasAncestor(ancestors: readonly JatsElement[], name: string): boolean {
  return ancestors.some((a) => a.name === name);
}
