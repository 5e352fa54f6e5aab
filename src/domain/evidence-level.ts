/**
 * Evidence level of a source, derived from its publication types and MeSH headings.
 *
 * The order of EVIDENCE_LEVELS is the order of trust used when a source matches several
 * labels (a "Systematic Review" that is also a "Review" is a systematic review).
 */
export const EVIDENCE_LEVELS = [
  'guideline',
  'systematic-review',
  'randomized-trial',
  'observational',
  'case-report',
  'review-opinion',
  'in-house',
  'unclassified',
] as const;

export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

export const EVIDENCE_LEVEL_LABELS: Readonly<Record<EvidenceLevel, string>> = {
  guideline: 'Guideline',
  'systematic-review': 'Systematic review / meta-analysis',
  'randomized-trial': 'Randomized trial',
  observational: 'Observational or non-randomized study',
  'case-report': 'Case report / series',
  'review-opinion': 'Narrative review / expert opinion',
  'in-house': 'In-house overview',
  unclassified: 'Unclassified',
};

export function isEvidenceLevel(value: string): value is EvidenceLevel {
  return (EVIDENCE_LEVELS as readonly string[]).includes(value);
}

// Publication types as NLM spells them (https://www.nlm.nih.gov/mesh/pubtypes.html), lower-cased.
const PUBLICATION_TYPE_LEVELS: ReadonlyArray<readonly [EvidenceLevel, readonly string[]]> = [
  [
    'guideline',
    [
      'guideline',
      'practice guideline',
      'consensus development conference',
      'consensus development conference, nih',
    ],
  ],
  ['systematic-review', ['systematic review', 'meta-analysis', 'network meta-analysis']],
  ['randomized-trial', ['randomized controlled trial', 'equivalence trial']],
  [
    'observational',
    [
      'observational study',
      'clinical trial',
      'controlled clinical trial',
      'clinical trial, phase i',
      'clinical trial, phase ii',
      'clinical trial, phase iii',
      'clinical trial, phase iv',
      'pragmatic clinical trial',
      'multicenter study',
      'comparative study',
      'evaluation study',
      'validation study',
      'twin study',
    ],
  ],
  ['case-report', ['case reports']],
  [
    'review-opinion',
    ['review', 'scoping review', 'editorial', 'comment', 'letter', 'lecture', 'address', 'expert opinion'],
  ],
];

// MeSH study-design descriptors, used only when the publication types say nothing more specific
// than "Journal Article" (older MEDLINE records often carry design only in MeSH).
const MESH_LEVELS: ReadonlyArray<readonly [EvidenceLevel, readonly string[]]> = [
  // "Randomized Controlled Trials as Topic" is left out on purpose: it tags papers *about* trials.
  ['randomized-trial', ['random allocation']],
  [
    'observational',
    [
      'cohort studies',
      'prospective studies',
      'retrospective studies',
      'longitudinal studies',
      'follow-up studies',
      'case-control studies',
      'cross-sectional studies',
    ],
  ],
];

export interface EvidenceLevelInput {
  publicationTypes: readonly string[];
  meshDescriptors: readonly string[];
  /**
   * The title, consulted last, for records NLM has not indexed yet: such MEDLINE records carry
   * only "Journal Article" and no MeSH, though the title says "A Randomized Controlled Trial".
   */
  title?: string;
}

// What a title says of a work's design, when nothing else does. Protocols, rationales and
// secondary analyses describe or reuse a design without reporting it.
const TITLE_LEVELS: ReadonlyArray<readonly [EvidenceLevel, RegExp]> = [
  ['systematic-review', /\b(systematic review|meta-analys[ie]s)\b/i],
  ['randomized-trial', /\brandomi[sz]ed\b[^.]*\b(trial|study)\b/i],
];
const NOT_A_REPORT = /\b(protocol|rationale|design of|study design|secondary analysis|post hoc|post-hoc)\b/i;

export function deriveEvidenceLevel(input: EvidenceLevelInput): EvidenceLevel {
  const types = new Set(input.publicationTypes.map((t) => t.trim().toLowerCase()));
  for (const [level, names] of PUBLICATION_TYPE_LEVELS) {
    if (names.some((name) => types.has(name))) return level;
  }
  const mesh = new Set(input.meshDescriptors.map((d) => d.trim().toLowerCase()));
  for (const [level, names] of MESH_LEVELS) {
    if (names.some((name) => mesh.has(name))) return level;
  }
  if (input.title !== undefined && !NOT_A_REPORT.test(input.title)) {
    for (const [level, pattern] of TITLE_LEVELS) if (pattern.test(input.title)) return level;
  }
  return 'unclassified';
}
