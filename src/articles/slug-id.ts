/**
 * Article ids: short, URL-safe, easy to read aloud or copy by hand ("a7k2m9q4xz"). Ten characters
 * from a 32-letter alphabet without look-alikes — no 0/o, no 1/l — give 50 bits, so a collision
 * among a million articles is about a 1 in 2,000 chance; the store refuses a taken id ('conflict')
 * and the caller draws again.
 */

/** 2–9 and a–z without l and o: exactly 32 characters, 5 bits each. */
export const ARTICLE_ID_ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
export const ARTICLE_ID_LENGTH = 10;

const ARTICLE_ID = new RegExp(`^[${ARTICLE_ID_ALPHABET}]{${ARTICLE_ID_LENGTH}}$`);

/**
 * A new article id from `random(n)`, which must return n random bytes (crypto.getRandomValues in
 * production; a fixed sequence in tests). One byte per character: 256 is a multiple of 32, so
 * taking a byte modulo 32 favours no character.
 */
export function newArticleId(random: (bytes: number) => Uint8Array): string {
  const bytes = random(ARTICLE_ID_LENGTH);
  if (bytes.length < ARTICLE_ID_LENGTH) {
    throw new RangeError(`newArticleId needs ${ARTICLE_ID_LENGTH} random bytes; the random source gave ${bytes.length}`);
  }
  let id = '';
  for (const byte of bytes.subarray(0, ARTICLE_ID_LENGTH)) id += ARTICLE_ID_ALPHABET[byte % ARTICLE_ID_ALPHABET.length] ?? '';
  return id;
}

/** Whether a string is shaped like an article id (for routes: a malformed id is "not found" without a lookup). */
export function isArticleId(value: string): boolean {
  return ARTICLE_ID.test(value);
}
