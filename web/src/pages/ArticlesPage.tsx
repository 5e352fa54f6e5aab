/** Placeholder: filled in by the web app increment. */
export function ArticlesPage() {
  return <section><h1>ArticlesPage</h1></section>;
}
