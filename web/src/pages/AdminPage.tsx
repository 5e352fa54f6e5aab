/** Placeholder: filled in by the web app increment. */
export function AdminPage() {
  return <section><h1>AdminPage</h1></section>;
}
