import type { ThreadTurn } from '../ports/composer.js';
import { analyzeQuery } from '../retrieval/query.js';
import { wordTokens } from '../retrieval/tokens.js';
import { familyPattern } from './populations.js';

/**
 * Follow-up questions continue a thread: "and in children?" after "What is the management of
 * iliopsoas abscess?" is searched as "management iliopsoas abscess children". A question is read
 * as a follow-up when it opens like one ("and …", "what about …", "what if …") or leans on the
 * earlier question with a pronoun ("how long should it be continued?"); otherwise it stands alone.
 */
const CONTINUATION = /^\s*(and|also|but|or|then|so|what about|how about|what if|and if|and for|and in|in|for|same for|same in|if)\b/i;
const PRONOUN = /\b(it|its|this|these|those|they|them|their|the condition|the drug|the infection|the same)\b/i;

export function isFollowUp(question: string): boolean {
  return CONTINUATION.test(question) || PRONOUN.test(question);
}

/** The text to search for: the question, joined to the earlier question's terms when it is a follow-up. */
export function resolveFollowUp(question: string, thread: readonly ThreadTurn[]): string {
  const previous = thread.at(-1);
  if (!previous || !isFollowUp(question)) return question;
  const earlier = analyzeQuery(previous.question).map((t) => t.text);
  const own = analyzeQuery(question).map((t) => t.text).filter((t) => !PRONOUN.test(t));
  const seen = new Set<string>();
  return [...earlier, ...own].filter((t) => (seen.has(t.toLowerCase()) ? false : (seen.add(t.toLowerCase()), true))).join(' ');
}

/**
 * Words that say what is asked about a topic, or how, rather than the topic itself: "management",
 * "symptoms", "genetic changes related to", "do you have information about", "how to drain". A
 * question's topic is what is left ("iliopsoas abscess", "galactosialidosis").
 */
export const FOCUS =
  /^(manag\w*|treat\w*|therap\w*|diagnos\w*|workup|prognos\w*|outcomes?|outlook|approach|best|first|line|options?|guidelines?|recommend\w*|evidence|role|use|uses|used|indications?|initial|information|info|have|has|know|learn|get|getting|need|needs|rather|us|people|person|someone|related|relate|changes?|genetic|causes?|caused|symptoms?|signs?|risk|risks|factors?|prevent\w*|inherit\w*|research|studies|study|many|much|long|often|common|expect|happens?|mean|means|work|works|help|helps|benefits?|side|effects?|safe|safety|department|emergency|setting|adult|adults|patient|patients|dose|doses|dosing|dosage|dosages|starting|start|duration|continu\w*|stop|stops|stopp\w*|given|give|giving|should|take|taking|taken|drain\w*|excis\w*|remov\w*|operat\w*|cure|cured|curing|handl\w*|control\w*)$/i;

/** The condition or drug a question is about: its terms without the "management of …" words. */
export function topicOf(question: string): string {
  return analyzeQuery(question)
    .map((t) => t.text)
    .filter((t) => !FOCUS.test(t))
    .join(' ');
}

/**
 * Three questions a reader may ask next, about the same topic, on what the question did not ask
 * already. A topic of three words or fewer that the question writes as one phrase ("iliopsoas
 * abscess") is named; any other is referred to as "it", which a follow-up in the same thread
 * resolves against this question. Words the question keeps apart rarely make a topic:
 * "hyperkalaemia … in children with insulin" is not "How is hyperkalaemia children insulin
 * diagnosed?".
 *
 * Given the text of the sources the answer drew on, only questions those sources speak to are
 * offered: a library whose gout overview never mentions pregnancy is not prompted to answer
 * "What changes in pregnancy for gout?", which it could only answer with "not enough evidence".
 */
export function suggestFollowUps(question: string, sources?: readonly string[]): string[] {
  const topic = topicOf(question);
  if (topic === '') return [];
  const asked = question.toLowerCase();
  const named = topic.split(' ').length <= 3 && ` ${wordTokens(asked).join(' ')} `.includes(` ${wordTokens(topic).join(' ')} `);
  const covered = (pattern: RegExp) => sources === undefined || sources.some((text) => pattern.test(text));
  const options: [RegExp, RegExp, string, string][] = [
    [/diagnos|imaging|test/, /\b(diagnos\w*|imaging|tests?|testing)\b/i, `How is ${topic} diagnosed?`, 'How is it diagnosed?'],
    [/treat|manag|therap|drug|antibiotic/, /\b(treat\w*|manag\w*|therap\w*)\b/i, `What are the treatment options for ${topic}?`, 'What are its treatment options?'],
    [/child|paediatric|pediatric/, familyPattern('children'), `Is ${topic} managed differently in children?`, 'Is it managed differently in children?'],
    // Not for a question about children: pregnancy is beside the point there.
    [/pregnan|child|paediatric|pediatric|infant/, familyPattern('pregnancy'), `What changes in pregnancy for ${topic}?`, 'What changes for it in pregnancy?'],
    [/monitor|follow/, /\b(monitor\w*|follow-?up|surveillance)\b/i, `What follow-up is needed for ${topic}?`, 'What follow-up does it need?'],
    [/prognos|outcome|mortality/, /\b(prognos\w*|mortality|survival|outcomes?)\b/i, `What is the prognosis of ${topic}?`, 'What is its prognosis?'],
  ];
  return options
    .filter(([asks, speaks]) => !asks.test(asked) && covered(speaks))
    .slice(0, 3)
    .map(([, , withTopic, withPronoun]) => (named ? withTopic : withPronoun));
}
