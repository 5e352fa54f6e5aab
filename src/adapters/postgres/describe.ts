/**
 * "PostgreSQL 127.0.0.1:5432/test (citemed)": where the library is, without credentials. A module
 * of its own, free of the pg driver, so that naming a library does not load it.
 */
export function describe(url: string, schema: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.host}${parsed.pathname} (${schema})`;
  } catch {
    return `PostgreSQL (${schema})`;
  }
}
