/** Placeholder: filled in by the web app increment. */
export function AskPage() {
  return <section><h1>AskPage</h1></section>;
}
