/** Placeholder: filled in by the web app increment. */
export function ReviewPage() {
  return <section><h1>ReviewPage</h1></section>;
}
