/**
 * JATS article types and subject headings → NLM publication types
 * (https://www.nlm.nih.gov/mesh/pubtypes.html), the vocabulary evidence levels and integrity
 * status are derived from.
 */

/** JATS @article-type values (https://jats.nlm.nih.gov/archiving/tag-library/1.3/attribute/article-type.html). */
const ARTICLE_TYPES: Readonly<Record<string, string>> = {
  'research-article': 'Journal Article',
  'review-article': 'Review',
  'case-report': 'Case Reports',
  editorial: 'Editorial',
  letter: 'Letter',
  correction: 'Published Erratum',
  retraction: 'Retraction of Publication',
  'expression-of-concern': 'Expression of Concern',
  'systematic-review': 'Systematic Review',
  'meta-analysis': 'Meta-Analysis',
};

/** The article type as a publication type: mapped when JATS has an NLM equivalent, else as given. */
export function publicationTypeOfArticleType(articleType: string): string {
  return ARTICLE_TYPES[articleType.trim().toLowerCase()] ?? articleType.trim();
}

/** NLM publication types a journal may also use as a subject heading in article-categories. */
const NLM_PUBLICATION_TYPES = [
  'Adaptive Clinical Trial',
  'Case Reports',
  'Clinical Study',
  'Clinical Trial',
  'Clinical Trial Protocol',
  'Clinical Trial, Phase I',
  'Clinical Trial, Phase II',
  'Clinical Trial, Phase III',
  'Clinical Trial, Phase IV',
  'Comment',
  'Comparative Study',
  'Consensus Development Conference',
  'Controlled Clinical Trial',
  'Editorial',
  'Equivalence Trial',
  'Evaluation Study',
  'Expression of Concern',
  'Guideline',
  'Letter',
  'Meta-Analysis',
  'Multicenter Study',
  'Network Meta-Analysis',
  'Observational Study',
  'Practice Guideline',
  'Pragmatic Clinical Trial',
  'Published Erratum',
  'Randomized Controlled Trial',
  'Retracted Publication',
  'Retraction of Publication',
  'Review',
  'Systematic Review',
  'Validation Study',
];

/** Spellings journals use for the same types. */
const SUBJECT_ALIASES: Readonly<Record<string, string>> = {
  'case report': 'Case Reports',
  'meta analysis': 'Meta-Analysis',
  'randomised controlled trial': 'Randomized Controlled Trial',
  'randomized clinical trial': 'Randomized Controlled Trial',
  'randomised clinical trial': 'Randomized Controlled Trial',
  'observational studies': 'Observational Study',
  'practice guidelines': 'Practice Guideline',
  erratum: 'Published Erratum',
  retraction: 'Retraction of Publication',
};

const BY_LOWER_CASE = new Map<string, string>([
  ...NLM_PUBLICATION_TYPES.map((type) => [type.toLowerCase(), type] as const),
  ...Object.entries(SUBJECT_ALIASES),
]);

/** The NLM publication type a subject heading names, if it names one. */
export function publicationTypeOfSubject(subject: string): string | undefined {
  return BY_LOWER_CASE.get(subject.trim().replace(/\s+/g, ' ').toLowerCase());
}
