/**
 * Patient groups whose care differs from the general adult case.
 *
 * - A question that names one asks about that group, so evidence that never mentions it does not
 *   answer it (the extractive composer). Groups match by family here: a question on children is
 *   answered by a passage on infants or adolescents.
 * - A statement that names one says something about that group, so a cited passage must name the
 *   same group, not only its family (the verifier): "for neonates" is not backed by a passage on
 *   children.
 */
export interface Population {
  name: string;
  family: string;
  pattern: RegExp;
}

export const POPULATIONS: readonly Population[] = [
  { name: 'neonates', family: 'children', pattern: /\b(neonat\w*|new-?borns?)\b/i },
  { name: 'infants', family: 'children', pattern: /\b(infan(t|ts|cy)|toddlers?)\b/i },
  { name: 'children', family: 'children', pattern: /\b(child(ren|hood)?|p(a)?ediatric\w*|kids?)\b/i },
  { name: 'adolescents', family: 'children', pattern: /\b(adolescen\w*|teen(s|agers?)?)\b/i },
  { name: 'pregnancy', family: 'pregnancy', pattern: /\b(pregnan\w*|gestation\w*|antenatal|prenatal|obstetric\w*)\b/i },
  { name: 'breastfeeding', family: 'breastfeeding', pattern: /\b(breast-?(feeding|fed)|lactat\w*|nursing mothers?)\b/i },
  { name: 'older adults', family: 'older adults', pattern: /\b(elderly|geriatric\w*|older (adults?|people|persons?|patients?|women|men))\b/i },
];

/** The populations a text names. */
export function populationsOf(text: string): Population[] {
  return POPULATIONS.filter((p) => p.pattern.test(text));
}

/** Any group of a family ("children": neonates, infants, children, adolescents). */
export function familyPattern(family: string): RegExp {
  return new RegExp(
    POPULATIONS.filter((p) => p.family === family)
      .map((p) => p.pattern.source)
      .join('|'),
    'i',
  );
}

/** A pattern per family the question names: a passage answers only if it matches each. */
export function familiesAskedAbout(question: string): RegExp[] {
  return [...new Set(populationsOf(question).map((p) => p.family))].map(familyPattern);
}

/** "adults", which a statement may set against a passage's children. */
export const ADULTS = /\badults?\b/i;
