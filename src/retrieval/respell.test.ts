import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeQuery, STOP_WORDS, type QueryTerm } from './query.js';
import { stem } from './tokens.js';
import { asWritten, compoundRespelled, isShouted, oneSlipApart, otherForms, respellable, respellableParts, respellingNote, respellWords, soundAlikes, splits, typingNeighbours, type PhraseFrequencies, type Respelling } from './respell.js';

/** Optimal string alignment distance (Levenshtein with adjacent swaps), the plain way. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** A library as a table of stems (and stem pairs, for phrases) to passage counts; counts the calls. */
function library(counts: Record<string, number>): PhraseFrequencies & { calls: number } {
  const lookup = Object.assign(
    async (phrases: readonly { tokens: string[]; stems: string[] }[]) => {
      lookup.calls++;
      return phrases.map((p) => counts[p.stems.join(' ')] ?? 0);
    },
    { calls: 0 },
  );
  return lookup;
}

const isStop = (word: string) => STOP_WORDS.has(word);
const word = fc.stringMatching(/^[a-z]{6,12}$/);

describe('typing slips', () => {
  it('are exactly one letter left out, added, swapped or replaced, never the first replaced', () => {
    fc.assert(
      fc.property(word, (w) => {
        for (const n of typingNeighbours(w)) {
          expect(distance(w, n)).toBe(1);
          const firstReplaced = n.length === w.length && n[0] !== w[0] && n.slice(1) === w.slice(1);
          expect(firstReplaced).toBe(false);
        }
      }),
    );
  });

  it('include every such slip', () => {
    const edit = fc.record({ at: fc.nat(), letter: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), kind: fc.constantFrom('out', 'added', 'swapped', 'replaced') });
    fc.assert(
      fc.property(word, edit, (w, { at, letter, kind }) => {
        const i = at % w.length;
        const slipped =
          kind === 'out'
            ? w.slice(0, i) + w.slice(i + 1)
            : kind === 'added'
              ? w.slice(0, i) + letter + w.slice(i)
              : kind === 'swapped'
                ? i + 1 < w.length
                  ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)
                  : w
                : i > 0
                  ? w.slice(0, i) + letter + w.slice(i + 1)
                  : w;
        if (slipped !== w) expect(typingNeighbours(w)).toContain(slipped);
      }),
    );
  });

  it('are told apart from other words by the same measure', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-d]{0,6}$/), fc.stringMatching(/^[a-d]{0,6}$/), (a, b) => {
        expect(oneSlipApart(a, b)).toBe(distance(a, b) <= 1);
      }),
      { numRuns: 2_000 },
    );
  });

  it('move the stem by one slip at most: "statins" is not "statings" (stem "state")', async () => {
    const found = await respellWords(['statins'], library({ state: 900, statin: 0 }), isStop);
    expect(found.has('statins')).toBe(false);
  });

  it('may lie in the ending the stemmer takes off: "resistnce" is "resistance" (stem "resist")', async () => {
    const found = await respellWords(['resistnce'], library({ resist: 90 }), isStop);
    expect(found.get('resistnce')).toEqual({ from: 'resistnce', to: [expect.stringMatching(/^resist/)], kind: 'typing' });
  });

  it('are not tried in words under six letters, where a slip makes another word ("drain" → "brain")', () => {
    expect(typingNeighbours('drain')).toEqual([]);
    expect(typingNeighbours('reatment')).toContain('treatment');
  });
});

describe('other forms and splits', () => {
  it('add, take off or exchange derivational endings', () => {
    expect(otherForms('drain')).toContain('drainage');
    expect(otherForms('drainage')).toContain('drain');
    expect(otherForms('asthmatic')).toContain('asthma');
    expect(otherForms('ventilate')).toContain('ventilation');
    expect(otherForms('drain')).not.toContain('drain');
  });

  it('cut a word in two, each part of four letters or more', () => {
    expect(splits('panicprone')).toContainEqual(['panic', 'prone']);
    expect(splits('panicprone').every(([a, b]) => a.length >= 4 && b.length >= 4 && a + b === 'panicprone')).toBe(true);
    expect(splits('overexpressors')).not.toContainEqual(['overexpress', 'ors']);
    expect(splits('abcdefg')).toEqual([]);
  });
});

describe('sound-alike spellings', () => {
  it('exchange once letters written for one sound, the first letter too', () => {
    expect(soundAlikes('ibuprophen')).toContain('ibuprofen');
    expect(soundAlikes('fenytoin')).toEqual(expect.arrayContaining(['phenytoin', 'fenitoin']));
    expect(soundAlikes('kolitis')).toContain('colitis');
    expect(soundAlikes('sefalexin')).toContain('cefalexin');
    // c is k only where it sounds as k, and s only where it sounds as s.
    expect(soundAlikes('cystic')).toEqual(expect.arrayContaining(['systic', 'cystik', 'cistic']));
    expect(soundAlikes('cystic')).not.toContain('kystic');
    expect(soundAlikes('cardiac')).not.toContain('sardiac');
    // The h of "ph" is not exchanged on its own, nor is its f made "pph".
    expect(soundAlikes('phenol')).toEqual(['fenol']);
    expect(soundAlikes('colic')).toEqual([]);
  });

  it('each differ from the word by one exchange, and never give it back', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{6,14}$/), (word) => {
        for (const alike of soundAlikes(word)) {
          expect(alike).not.toBe(word);
          expect(Math.abs(alike.length - word.length)).toBeLessThanOrEqual(1);
          expect(distance(alike, word)).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('respellWords', () => {
  it('tries a spelling that sounds the same only when no form or slip is held', async () => {
    const lookup = library({ ibuprofen: 30, phenytoin: 12, ibuprofin: 1 });
    const found = await respellWords(['ibuprophen', 'fenytoin', 'ibuprofn'], lookup, isStop);
    expect(found.get('ibuprophen')).toEqual({ from: 'ibuprophen', to: ['ibuprofen'], kind: 'sound' });
    expect(found.get('fenytoin')).toEqual({ from: 'fenytoin', to: ['phenytoin'], kind: 'sound' });
    // One slip from two held words: the slip wins over any sound.
    expect(found.get('ibuprofn')?.kind).toBe('typing');
    expect(lookup.calls).toBe(1);
    expect(respellingNote(found.get('ibuprophen')!)).toBe('no passage holds "ibuprophen": searched "ibuprofen" instead (a spelling that sounds the same)');
  });


  it("takes a drug's other name when the word is a slip or a sound away from a name the library does not hold", async () => {
    // "sefalexin" sounds like "cefalexin", which this library writes "cephalexin"; "rifampicim" is
    // one slip from "rifampicin", written "rifampin"; "paracetamal" is one slip from "paracetamol",
    // which the library holds itself, so no other name is needed.
    const lookup = library({ [stem('cephalexin')]: 4, [stem('rifampin')]: 7, [stem('paracetamol')]: 3, [stem('acetaminophen')]: 9 });
    const found = await respellWords(['sefalexin', 'rifampicim', 'paracetamal', 'xyzzyplugh'], lookup, isStop);
    expect(found.get('sefalexin')).toEqual({ from: 'sefalexin', to: ['cephalexin'], kind: 'sound', via: 'cefalexin' });
    expect(found.get('rifampicim')).toEqual({ from: 'rifampicim', to: ['rifampin'], kind: 'typing', via: 'rifampicin' });
    expect(found.get('paracetamal')).toEqual({ from: 'paracetamal', to: ['paracetamol'], kind: 'typing' });
    expect(found.has('xyzzyplugh')).toBe(false);
    // Still two rounds of look-ups at most: the other names go with the splits.
    expect(lookup.calls).toBe(2);
    expect(respellingNote(found.get('sefalexin')!)).toBe(
      'no passage holds "sefalexin" (which sounds like "cefalexin"): searched "cephalexin" instead, another name of the same drug',
    );
    // The word shown is the other name as the passages write it, not a slip from the typed word.
    expect(asWritten(found.get('rifampicim')!, ['Rifampin was given for 6 months.'])).toEqual(found.get('rifampicim'));
  });

  it("takes a drug's other name of several words, as a phrase some passage holds", async () => {
    // "nitroglycerine" is one slip from "nitroglycerin", which this (British) library writes
    // "glyceryl trinitrate"; the phrase is counted as a phrase, in the same second look-up.
    const lookup = library({ [['glyceryl', 'trinitrate'].map(stem).join(' ')]: 5, glyceryl: 5, [stem('trinitrate')]: 6 });
    const found = await respellWords(['nitroglycerine'], lookup, isStop);
    const respelling = found.get('nitroglycerine');
    expect(respelling).toEqual({ from: 'nitroglycerine', to: ['glyceryl', 'trinitrate'], kind: 'typing', via: 'nitroglycerin' });
    expect(lookup.calls).toBe(2);
    expect(respellingNote(respelling!)).toBe(
      'no passage holds "nitroglycerine" (one slip from "nitroglycerin"): searched "glyceryl trinitrate" instead, another name of the same drug',
    );
    // The phrase is the table's own, not cut back to one word by the passages' spellings.
    expect(asWritten(respelling!, ['Glyceryl trinitrate spray relieved the pain.'])).toEqual(respelling);
    // Without the phrase (its words apart in every passage), nothing is taken.
    const apart = await respellWords(['nitroglycerine'], library({ glyceryl: 5, [stem('trinitrate')]: 6 }), isStop);
    expect(apart.has('nitroglycerine')).toBe(false);
  });

  it('finds a form before a slip, and the commonest candidate within a kind', async () => {
    // "draine": "drainage" is another form; "drained" (stem "drain") is one slip away and commoner.
    // "reatment": "treatment" and "reament" are both one slip away; more passages hold "treatment".
    const lookup = library({ drainag: 2, drain: 40, reament: 3, treatment: 10 });
    const found = await respellWords(['draine', 'reatment'], lookup, isStop);
    expect(found.get('draine')).toEqual({ from: 'draine', to: ['drainage'], kind: 'form' });
    expect(found.get('reatment')).toEqual({ from: 'reatment', to: ['treatment'], kind: 'typing' });
    expect(lookup.calls).toBe(1); // one look-up for every word's forms and slips
  });

  it('splits run-together words only into a pair some passage holds side by side', async () => {
    const lookup = library({ panic: 30, prone: 20, 'panic prone': 2, coat: 9, mer: 4 });
    const found = await respellWords(['panicprone', 'coatmer'], lookup, isStop);
    expect(found.get('panicprone')).toEqual({ from: 'panicprone', to: ['panic', 'prone'], kind: 'split' });
    expect(found.has('coatmer')).toBe(false); // "coat" and "mer" are held, but never together
    expect(lookup.calls).toBe(2);
  });

  it('leaves a word alone when the library holds nothing like it, and never offers a stop word', async () => {
    const lookup = library({ their: 500, there: 400 });
    expect(await respellWords(['theyre', 'xylophone'], lookup, isStop)).toEqual(new Map());
    expect(await respellWords([], lookup, isStop)).toEqual(new Map());
  });

  it('says what was searched instead, and why', () => {
    expect(respellingNote({ from: 'amoxicilin', to: ['amoxicillin'], kind: 'typing' })).toBe(
      'no passage holds "amoxicilin": searched "amoxicillin" instead (the nearest spelling the library holds)',
    );
    expect(respellingNote({ from: 'drain', to: ['drainage'], kind: 'form' })).toContain('the form the library uses');
  });
});

describe('asWritten', () => {
  const typing = (from: string, to: string): Respelling => ({ from, to: [to], kind: 'typing' });
  const form = (from: string, to: string): Respelling => ({ from, to: [to], kind: 'form' });
  const texts = ['Antibiotics shortened the illness; antibiotics were safe.', 'One antibiotic was compared with another antibiotic.'];

  it('shows a slip as the word the passages write one slip from the typed word', () => {
    // "antibiots" stands for the stem of "antibiotics", but no passage writes it.
    expect(asWritten(typing('antibiotcs', 'antibiots'), texts)).toEqual(typing('antibiotcs', 'antibiotics'));
    expect(asWritten(typing('antibiotc', 'antibiots'), texts)).toEqual(typing('antibiotc', 'antibiotic'));
    expect(asWritten(typing('resistnce', 'resistance'), ['Resistance rose; resistant strains spread.'])).toEqual(typing('resistnce', 'resistance'));
  });

  it('drops a slip in the ending that no passage bears out, which only the start of the word matched', () => {
    // "adventiti" (a letter left out) stems to "advent": the stem moved by more than a slip.
    expect(asWritten(typing('adventitia', 'adventiti'), ['With the advent of imaging, adventitious sounds were recorded.'])).toBeUndefined();
    expect(asWritten(typing('resistnce', 'resistance'), ['Nothing here.'])).toBeUndefined();
    // A slip inside the stem stands, as the library writes the stem.
    expect(asWritten(typing('pnuemonia', 'pneumonia'), ['Pneumonias were rare.'])).toEqual(typing('pnuemonia', 'pneumonias'));
  });

  it('shows a form as written, else the word with its stem nearest the typed word, the commonest on a tie', () => {
    expect(asWritten(form('drain', 'drainage'), ['Drainage helped.'])).toEqual(form('drain', 'drainage'));
    // "adventitie" is the first form for "adventitia" with the stem of "adventitial".
    expect(asWritten(form('adventitia', 'adventitie'), ['The adventitial layer.', 'Adventitial fibroblasts.'])).toEqual(form('adventitia', 'adventitial'));
    expect(asWritten(form('draini', 'drains'), ['drained once, drain twice'])).toEqual(form('draini', 'drain'));
    expect(asWritten(form('drainedd', 'drains'), ['drained once, drain twice'])).toEqual(form('drainedd', 'drained'));
    expect(asWritten(form('drain', 'drainage'), [])).toEqual(form('drain', 'drainage'));
    // Nearest before commonest: the user knows the word they meant when they see it.
    const depressants: Respelling = { from: 'depresents', to: ['depress'], kind: 'typing' };
    expect(asWritten(depressants, ['Depression and depression again; depressed mood.', 'Antidepressants, depressants.'])).toEqual({ ...depressants, to: ['depressants'] });
    expect(asWritten(form('drainedd', 'drains'), ['drain, drain, drain and drained'])).toEqual(form('drainedd', 'drained'));
  });

  it('keeps a split as typed', () => {
    const split: Respelling = { from: 'goutflares', to: ['gout', 'flares'], kind: 'split' };
    expect(asWritten(split, [])).toBe(split);
  });
});

describe('compounds', () => {
  const term = (text: string) => analyzeQuery(text)[0] as QueryTerm;

  it('offer their plain words of five letters or more, by the same rule as a word on its own', () => {
    expect(respellableParts(term('anti-inflamatory'))).toEqual(['inflamatory']);
    expect(respellableParts(term('non-steroidal-antiinflamatory'))).toEqual(['steroidal', 'antiinflamatory']);
    expect(respellableParts(term('Beta-Blokers'))).toEqual(['blokers']);
    // A symbol's capitals, Greek letters, numbers, a word on its own: nothing.
    expect(respellableParts(term('anti-PtdIns'))).toEqual([]);
    expect(respellableParts(term('TNF-α'))).toEqual([]);
    expect(respellableParts(term('COVID-19'))).toEqual([]);
    expect(respellableParts(term('il-6'))).toEqual([]);
    expect(respellableParts(term('inflamatory'))).toEqual([]);
    expect(respellableParts(term('ANTI-PTDINS'), true)).toEqual(['ptdins']);
  });

  it('are analysed again with their respelled words, standing for the compound as typed', () => {
    const typed = { ...term('Anti-inflamatory'), position: 3 };
    const shown = new Map<string, Respelling | undefined>([['inflamatory', { from: 'inflamatory', to: ['inflammatory'], kind: 'typing' }]]);
    expect(compoundRespelled(typed, ['inflamatory'], shown)).toEqual({
      term: {
        text: 'Anti-inflammatory',
        forms: [['anti', 'inflammatory'], ['antiinflammatory']],
        stems: [['anti', 'inflammatori'], ['antiinflammatori']],
        words: ['Anti', 'inflammatory'],
        position: 3,
        respelled: { from: 'Anti-inflamatory', to: ['Anti-inflammatory'], kind: 'typing' },
      },
      used: [{ from: 'inflamatory', to: ['inflammatory'], kind: 'typing' }],
    });
    // Nothing respelled, or only into two words: the compound stays as typed.
    expect(compoundRespelled(typed, ['inflamatory'], new Map())).toBeUndefined();
    expect(compoundRespelled(typed, ['inflamatory'], new Map([['inflamatory', { from: 'inflamatory', to: ['inflam', 'atory'], kind: 'split' }]]))).toBeUndefined();
  });
});

describe('respellable', () => {
  const term = (text: string) => analyzeQuery(text)[0] as QueryTerm;
  it('is a plain word of five letters or more, not typed as a symbol', () => {
    expect(respellable(term('Amoxicilin'))).toBe('amoxicilin');
    expect(respellable(term('AMOXICILIN'))).toBeUndefined();
    expect(respellable(term('PtdIns'))).toBeUndefined();
    expect(respellable(term('drain'))).toBe('drain');
    expect(respellable(term('gout'))).toBeUndefined();
    expect(respellable(term('covid19'))).toBeUndefined();
    expect(respellable(term('TNF-α'))).toBeUndefined();
  });

  it('reads capitals as nothing in a question typed all in capitals', () => {
    expect(isShouted('AMOXICILIN DOSE IN CHILDREN?')).toBe(true);
    expect(isShouted('BRCA1 in breast cancer')).toBe(false);
    expect(isShouted('2024')).toBe(false);
    expect(respellable(term('AMOXICILIN'), true)).toBe('amoxicilin');
    expect(respellable(term('BRCA'), true)).toBeUndefined(); // four letters: too short to respell at all
  });
});
