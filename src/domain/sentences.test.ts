import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

const sentences = (text: string): string[] => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences on medical writing', () => {
  it.each([
    ['Smith et al. reported a benefit. The effect was small.', ['Smith et al. reported a benefit.', 'The effect was small.']],
    ['As Smith et al. Reported in 2010, gout recurs.', ['As Smith et al. Reported in 2010, gout recurs.']],
    ['Use an antiplatelet, e.g. aspirin, daily. Then stop.', ['Use an antiplatelet, e.g. aspirin, daily.', 'Then stop.']],
    ['Use an antiplatelet (e.g. Aspirin) daily. Then stop.', ['Use an antiplatelet (e.g. Aspirin) daily.', 'Then stop.']],
    ['Give a statin, i.e. Atorvastatin. Review in 6 weeks.', ['Give a statin, i.e. Atorvastatin.', 'Review in 6 weeks.']],
    ['Fig. 2 shows the result. Next.', ['Fig. 2 shows the result.', 'Next.']],
    ['Results are in Fig. 2. Next one.', ['Results are in Fig. 2.', 'Next one.']],
    ['See Refs. 12 and 14. Done.', ['See Refs. 12 and 14.', 'Done.']],
    ['The dose was 5 mg. Next sentence here.', ['The dose was 5 mg.', 'Next sentence here.']],
    ['The difference was significant, p < 0.001. Then it fell.', ['The difference was significant, p < 0.001.', 'Then it fell.']],
    ['Give 1.5 mg twice daily. Stop after 3.5 days.', ['Give 1.5 mg twice daily.', 'Stop after 3.5 days.']],
    ['Drug vs. placebo was compared. Drug vs. Placebo again.', ['Drug vs. placebo was compared.', 'Drug vs. Placebo again.']],
    ['The hazard ratio was 1.2 (95% CI 0.9-1.5). No difference.', ['The hazard ratio was 1.2 (95% CI 0.9-1.5).', 'No difference.']],
    ['Dr. Smith saw the patient. Mrs. Jones too.', ['Dr. Smith saw the patient.', 'Mrs. Jones too.']],
    ['He said no. Then he left.', ['He said no.', 'Then he left.']],
    ['He said no. 5 patients left.', ['He said no. 5 patients left.']],
    // Acronyms at a sentence end are not the abbreviations they spell in lower case (Ms., Ca., Co.).
    ['Patients had MS. Treatment was started.', ['Patients had MS.', 'Treatment was started.']],
    ['Tumour marker was CA. Then it rose.', ['Tumour marker was CA.', 'Then it rose.']],
    ['Patients lacked vitamin D. Supplementation was given.', ['Patients lacked vitamin D.', 'Supplementation was given.']],
    ['Chronic hepatitis B. Treatment follows.', ['Chronic hepatitis B.', 'Treatment follows.']],
    ['Was it effective? Yes! It was.', ['Was it effective?', 'Yes!', 'It was.']],
    ['  Leading and trailing space.  ', ['Leading and trailing space.']],
    ['First paragraph.\n\nSecond paragraph', ['First paragraph.', 'Second paragraph']],
    ['Emoji 😀 in text. 𝔘𝔫𝔦 next.', ['Emoji 😀 in text.', '𝔘𝔫𝔦 next.']],
  ])('%j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t\u00a0 ')).toEqual([]);
  });

  it('gives offsets into the whole text when given a range', () => {
    const text = 'Ignore this. Fig. 2 shows it. Take this. Ignore';
    const from = text.indexOf('Fig.');
    const to = text.indexOf(' Ignore', from);
    expect(splitSentences(text, from, to).map((s) => text.slice(s.start, s.end))).toEqual([
      'Fig. 2 shows it.',
      'Take this.',
    ]);
  });
});

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    'Smith', 'et', 'al.', 'e.g.', 'i.e.', 'Fig.', 'vs.', 'Dr.', 'no.', 'No.', 'MS.', '2', '5', 'mg.', 'p', '<',
    '0.001.', '1.5', '(95%', 'CI', '0.9-1.5).', 'The', 'Then', 'aspirin', 'placebo', '?', '!', '."', '...', '😀', '𝔘𝔫𝔦',
  ) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }) },
);
const gap = fc.constantFrom(' ', ' ', ' ', '  ', '\n', '\n\n', '\u00a0', '\t', '');
const textArb = fc
  .array(fc.tuple(token, gap), { maxLength: 40 })
  .chain((parts) => fc.tuple(fc.constantFrom('', ' ', '\n'), fc.constant(parts.map(([t, g]) => t + g).join(''))))
  .map(([lead, body]) => lead + body);

const textWithRange = textArb.chain((text) =>
  fc
    .tuple(fc.nat({ max: text.length }), fc.nat({ max: text.length }))
    .map(([a, b]) => ({ text, from: Math.min(a, b), to: Math.max(a, b) })),
);

describe('splitSentences properties', () => {
  it('gives ordered, non-overlapping, trimmed, non-empty spans inside [from, to)', () => {
    fc.assert(
      fc.property(textWithRange, ({ text, from, to }) => {
        const spans = splitSentences(text, from, to);
        let previousEnd = from;
        for (const span of spans) {
          expect(span.start).toBeGreaterThanOrEqual(previousEnd);
          expect(span.end).toBeGreaterThan(span.start);
          expect(span.end).toBeLessThanOrEqual(to);
          expect(text.charAt(span.start)).not.toMatch(/\s/);
          expect(text.charAt(span.end - 1)).not.toMatch(/\s/);
          previousEnd = span.end;
        }
      }),
    );
  });

  it('covers every non-whitespace character of the range', () => {
    fc.assert(
      fc.property(textWithRange, ({ text, from, to }) => {
        const spans = splitSentences(text, from, to);
        for (let i = from; i < to; i++) {
          if (/\s/.test(text.charAt(i))) continue;
          expect(spans.some((s) => s.start <= i && i < s.end), `index ${i} of ${JSON.stringify(text)}`).toBe(true);
        }
        // ...and only whitespace lies between them.
        for (let k = 1; k < spans.length; k++) {
          expect(text.slice(spans[k - 1]!.end, spans[k]!.start)).toMatch(/^\s*$/);
        }
      }),
    );
  });

  it('gives the same sentences for a range as for the sliced text, shifted', () => {
    fc.assert(
      fc.property(textWithRange, ({ text, from, to }) => {
        const shifted = splitSentences(text.slice(from, to)).map((s) => ({ start: s.start + from, end: s.end + from }));
        expect(splitSentences(text, from, to)).toEqual(shifted);
      }),
    );
  });
});
