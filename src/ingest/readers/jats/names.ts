/**
 * Author names in MEDLINE style, "Surname Initials" ("Dennehy JJ"), so an article read from JATS
 * lists its authors as the same article read from MEDLINE does.
 */
export function formatAuthor(surname: string | undefined, givenNames: string | undefined, suffix?: string): string | undefined {
  const family = surname?.trim() ?? '';
  const initials = givenNames ? initialsOf(givenNames) : '';
  const name = [family, initials, suffix?.trim() ?? ''].filter((part) => part !== '').join(' ');
  return name === '' ? undefined : name;
}

/**
 * "John J" → "JJ", "Ing-Nang" → "IN", "G. A." → "GA", "M-C" → "MC". A part already written as
 * capital initials ("JF", as some publishers give given-names) is kept as it is.
 */
export function initialsOf(givenNames: string): string {
  const parts = givenNames.split(/[\s.\-‐‑]+/u).filter((part) => part !== '');
  return parts
    .map((part) => {
      if (/^\p{Lu}{2,3}$/u.test(part)) return part;
      const first = String.fromCodePoint(part.codePointAt(0) ?? 0);
      return first.toUpperCase();
    })
    .join('');
}
