/** Dates as people read them, in the browser's locale, with the exact time kept for machines. */
export function When({ at }: { at: string | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return <time dateTime={at}>{date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>;
}

/** Shown when a request failed: the server's own words, which say what was wrong and what to do. */
export function ErrorBanner({ error }: { error: { message: string; hint?: string | undefined } | undefined }) {
  if (!error) return null;
  return (
    <p className="banner error" role="alert">
      {error.message}
      {error.hint ? <span className="hint"> ({error.hint})</span> : null}
    </p>
  );
}
