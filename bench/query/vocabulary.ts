import { readFileSync } from 'node:fs';
import { createZipf, shuffle, type Random } from './random.js';

/**
 * The generator's words: MeSH descriptor names (read at run time from the shared data) for the
 * subject matter, and a hand-written list of the function and "abstract prose" words that make
 * up about half of any biomedical abstract. Both are drawn with Zipf-like frequencies.
 */
export interface Vocabulary {
  /** MeSH descriptors as they read in running text: "Epilepsy, Rolandic" → "rolandic epilepsy". */
  topics: string[];
  /** Distinct content words of the descriptors, most common (in descriptor names) first. */
  words: string[];
  drawTopic(random: Random): string;
  drawWord(random: Random): string;
  drawProse(random: Random): string;
}

/**
 * Function words and the stock words of abstracts, roughly most frequent first (the order sets
 * the Zipf rank). Written for this benchmark from general knowledge of English and of abstracts.
 */
export const PROSE_WORDS: readonly string[] = unique(`
the of and in to a with was were for patients is that by as on or at from are this be an
study after not than we between group who had these have which but all more also both during
treatment results compared significantly associated increased risk clinical their our no there
it its been mean analysis data years higher lower total among two three one were used using
after those may can most each other however whereas while within without into over under per
age women men children adults cases controls control cohort trial randomized baseline months
weeks days follow-up dose doses therapy effect effects outcome outcomes observed reported included
methods conclusions background objective objectives aim aims found showed suggest suggests
difference differences level levels rate rates ratio confidence interval median range score scores
high low reduced reduction improved improvement primary secondary incidence prevalence factors
factor model models time period participants subjects population sample evaluated assessed
measured performed identified determined investigated examined demonstrated including respectively
versus among further first second new potential possible important relevant common severe mild
moderate early late long-term short-term previous current recent available specific significant
independent overall similar different positive negative normal abnormal acute chronic
`.trim().split(/\s+/));

/** MeSH names such as "Comment" or "Journal Article" are publication types, not subjects. */
const SKIP_DESCRIPTORS = /^(Journal Article|Comment|Editorial|Letter|News|Review|Congress|Lectures|Interview)$/;

/** "Intestinal Diseases, Parasitic" → "parasitic intestinal diseases"; acronyms keep their case. */
export function runningText(name: string): string {
  const parts = name.split(', ').reverse().join(' ');
  return parts
    .split(/\s+/)
    .map((word) => (isAcronym(word) ? word : word.toLowerCase()))
    .join(' ');
}

/** "HIV", "mRNA", "R-SNARE", "HeLa": two capitals and short, or no lower case at all. */
function isAcronym(word: string): boolean {
  const capitals = word.replace(/[^A-Z]/g, '').length;
  return capitals >= 2 && (word.length <= 6 || !/[a-z]/.test(word));
}

function unique(words: string[]): string[] {
  return [...new Set(words)];
}

const WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;

export function loadVocabulary(termsTsv: string, random: Random): Vocabulary {
  const lines = readFileSync(termsTsv, 'utf8').split('\n');
  const header = lines.shift() ?? '';
  if (!header.startsWith('mesh_id\tmesh_name')) throw new Error(`${termsTsv}: expected a header "mesh_id<TAB>mesh_name", found "${header.slice(0, 40)}"`);
  const topics: string[] = [];
  for (const line of lines) {
    const name = line.split('\t')[1]?.trim();
    if (name && !SKIP_DESCRIPTORS.test(name)) topics.push(runningText(name));
  }
  if (topics.length < 100) throw new Error(`${termsTsv}: only ${topics.length} descriptors; is the file complete?`);

  const prose = new Set(PROSE_WORDS.map((w) => w.toLowerCase()));
  const counts = new Map<string, number>();
  for (const topic of topics) {
    for (const [word] of topic.matchAll(WORD)) {
      if (word.length < 2 || prose.has(word.toLowerCase())) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  // Words that name many descriptors ("disease", "cells", "acid") are the common ones in text
  // too; ties are broken by a seeded shuffle so that the order does not follow the alphabet.
  const words = shuffle([...counts.keys()].sort(), random).sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
  // Subjects: popular and rare ones in a seeded order, Zipf-like with a flat head.
  shuffle(topics, random);

  const topicRank = createZipf(topics.length, 1, 100);
  const wordRank = createZipf(words.length, 1, 50);
  const proseRank = createZipf(PROSE_WORDS.length, 1, 1.5);
  return {
    topics,
    words,
    drawTopic: (r) => topics[topicRank(r)] as string,
    drawWord: (r) => words[wordRank(r)] as string,
    drawProse: (r) => PROSE_WORDS[proseRank(r)] as string,
  };
}
