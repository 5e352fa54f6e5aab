import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeQuery } from './query.js';
import { drugPhrases, joinedTerm, otherNames, otherSpellings, withOtherSpellings } from './spellings.js';
import { stem } from './tokens.js';

const other = (word: string) => otherSpellings(word).map((s) => `${s.word} (${s.variety})`);

describe('otherSpellings', () => {
  it('gives the American spelling of a British word, and the British of an American one', () => {
    const pairs: [british: string, american: string][] = [
      ['tumour', 'tumor'],
      ['behavioural', 'behavioral'],
      ['favourable', 'favorable'],
      ['randomised', 'randomized'],
      ['hospitalisation', 'hospitalization'],
      ['analysed', 'analyzed'],
      ['centre', 'center'],
      ['millilitre', 'milliliter'],
      ['haematoma', 'hematoma'],
      ['anaemia', 'anemia'],
      ['ischaemic', 'ischemic'],
      ['paediatric', 'pediatric'],
      ['orthopaedic', 'orthopedic'],
      ['aetiology', 'etiology'],
      ['caesarean', 'cesarean'],
      ['anaesthesia', 'anesthesia'],
      ['gynaecology', 'gynecology'],
      ['faecal', 'fecal'],
      ['oedema', 'edema'],
      ['oesophageal', 'esophageal'],
      ['oestrogen', 'estrogen'],
      ['diarrhoea', 'diarrhea'],
      ['dyspnoea', 'dyspnea'],
      ['foetal', 'fetal'],
      ['coeliac', 'celiac'],
      ['sulphonylurea', 'sulfonylurea'],
      ['leucocytes', 'leukocytes'],
      ['defence', 'defense'],
      ['moulds', 'molds'],
      ['aluminium', 'aluminum'],
      ['caesium', 'cesium'],
      ['gonadotrophin', 'gonadotropin'],
      ['adrenocorticotrophic', 'adrenocorticotropic'],
      ['thyrotrophin', 'thyrotropin'],
      ['analogue', 'analog'],
      ['homologues', 'homologs'],
      ['programme', 'program'],
      ['manoeuvre', 'maneuver'],
      ['manoeuvres', 'maneuvers'],
      ['manoeuvring', 'maneuvering'],
      ['homoeopathic', 'homeopathic'],
      ['aesthetic', 'esthetic'],
      ['amoebiasis', 'amebiasis'],
      ['speciality', 'specialty'],
    ];
    for (const [british, american] of pairs) {
      expect(other(british), british).toEqual([`${american} (American)`]);
      expect(other(american), american).toEqual([`${british} (British)`]);
      // Porter keeps them apart, which is why they are searched together.
      expect(stem(british)).not.toBe(stem(american));
    }
  });

  it('leaves alone words of other families that share an ending: -ise that is not -ize, -or that is not -our', () => {
    for (const word of ['exercise', 'expertise', 'promising', 'supervised', 'otherwise', 'surprise', 'advertising', 'concise']) expect(other(word), word).toEqual([]);
    for (const word of ['factor', 'receptor', 'doctor', 'inhibitors', 'rigor', 'rigors', 'humorous']) expect(other(word), word).toEqual([]);
    // Only the pituitary hormones' -trophin: "neurotrophic" and "neurotropic" are different words.
    for (const word of ['neurotrophic', 'neurotropic', 'atrophic', 'hypertrophic', 'tropical']) expect(other(word), word).toEqual([]);
    // "homeostasis" is not homoeopathy's family; "ageing" and "aging" Porter already joins.
    for (const word of ['homeostasis', 'ageing', 'aging', 'prologue', 'programmed']) expect(other(word), word).toEqual([]);
    // "analyses" is also the plural of "analysis"; the doubled l of "signalling" Porter stems away.
    expect(other('analyses')).toEqual([]);
    expect(stem('signalling')).toBe(stem('signaling'));
    expect(other('signalling')).toEqual([]);
    // A British word does not get a second British spelling.
    expect(other('anaemia')).toEqual(['anemia (American)']);
    expect(other('leukaemia')).toEqual(['leukemia (American)']);
  });

  it('tries only plain words of five letters or more, and never gives the word back', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,14}$/), (word) => {
        const spellings = otherSpellings(word);
        if (word.length < 5) expect(spellings).toEqual([]);
        for (const s of spellings) {
          expect(s.word).not.toBe(word);
          expect(s.word).toMatch(/^[a-z]+$/);
        }
      }),
      { numRuns: 3_000 },
    );
    expect(otherSpellings('Tumour')).toEqual([]);
    expect(otherSpellings('covid19')).toEqual([]);
  });

  it('adds each spelling to a term as one more form of it, a drug name of several words as a phrase', () => {
    const [term] = analyzeQuery('Tumours');
    const both = withOtherSpellings(term!, [{ word: 'tumors', variety: 'American' }]);
    expect(both).toMatchObject({ text: 'Tumours', forms: [['tumours'], ['tumors']], stems: [['tumour'], ['tumor']], otherSpellings: [{ word: 'tumors', variety: 'American' }] });
    const [gtn] = analyzeQuery('nitroglycerin');
    expect(withOtherSpellings(gtn!, [{ word: 'glyceryl trinitrate', variety: 'drug' }])).toMatchObject({
      forms: [['nitroglycerin'], ['glyceryl', 'trinitrate']],
      stems: [[stem('nitroglycerin')], [stem('glyceryl'), stem('trinitrate')]],
    });
  });
});

describe('otherNames', () => {
  it('gives a word’s other spellings and a drug’s other names, each when asked for', () => {
    expect(otherNames('paracetamol')).toEqual([{ word: 'acetaminophen', variety: 'drug' }]);
    expect(otherNames('anaesthesia')).toEqual([{ word: 'anesthesia', variety: 'American' }]);
    expect(otherNames('paracetamol', { spellings: true, drugs: false })).toEqual([]);
    expect(otherNames('anaesthesia', { spellings: false, drugs: true })).toEqual([]);
  });
});

describe('drugPhrases', () => {
  it('finds the runs of plain words that name a drug with other names, longest first, never overlapping', () => {
    const terms = analyzeQuery('glyceryl trinitrate or acetylsalicylic acid before penicillin G in angina');
    expect(drugPhrases(terms)).toEqual([
      { start: 0, length: 2, others: [{ word: 'nitroglycerin', variety: 'drug' }] },
      { start: 2, length: 2, others: [{ word: 'aspirin', variety: 'drug' }] },
      { start: 4, length: 2, others: [{ word: 'benzylpenicillin', variety: 'drug' }] },
    ]);
    // A compound that names a drug is a run of one term, without the forms it has already.
    expect(drugPhrases(analyzeQuery('co-amoxiclav or Trimethoprim-Sulfamethoxazole'))).toEqual([
      { start: 0, length: 1, others: [{ word: 'amoxicillin clavulanate', variety: 'drug' }] },
      { start: 1, length: 1, others: ['co trimoxazole', 'cotrimoxazole', 'trimethoprim sulphamethoxazole'].map((word) => ({ word, variety: 'drug' })) },
    ]);
    expect(drugPhrases(analyzeQuery('glyceryl-trinitrate'))).toEqual([{ start: 0, length: 1, others: [{ word: 'nitroglycerin', variety: 'drug' }] }]);
    // Not split by another word, nor a compound with more than the name.
    expect(drugPhrases(analyzeQuery('glyceryl esters and trinitrate'))).toEqual([]);
    expect(drugPhrases(analyzeQuery('co-trimoxazole-resistant'))).toEqual([]);
  });

  it('joins terms into one, as a compound: the words side by side, at the first one’s position', () => {
    const terms = analyzeQuery('sublingual glyceryl trinitrate');
    expect(joinedTerm(terms.slice(1, 3))).toEqual({
      text: 'glyceryl trinitrate',
      forms: [['glyceryl', 'trinitrate']],
      stems: [[stem('glyceryl'), stem('trinitrate')]],
      position: 1,
      words: ['glyceryl', 'trinitrate'],
    });
  });
});
