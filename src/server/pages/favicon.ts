/** citemed's icon: a "c" with a citation mark, in the accent colour. Served at /favicon.svg. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0a5c8a"/><path d="M21.5 11.2a7 7 0 1 0 0 9.6" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/><circle cx="24.5" cy="8" r="2.4" fill="#fff"/></svg>`;
