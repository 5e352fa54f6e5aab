import { describe, expect, it } from 'vitest';
import { DRUG_NAME_GROUPS, otherDrugNames } from './drug-names.js';
import { stem } from './tokens.js';

const stems = (name: string) => name.split(' ').map(stem).join(' ');

describe('otherDrugNames', () => {
  it('gives each name of a drug the group’s other names, both ways', () => {
    expect(otherDrugNames('paracetamol')).toEqual(['acetaminophen']);
    expect(otherDrugNames('acetaminophen')).toEqual(['paracetamol']);
    expect(otherDrugNames('salbutamol')).toEqual(['albuterol']);
    expect(otherDrugNames('lignocaine')).toEqual(['lidocaine']);
    expect(otherDrugNames('dexamphetamine')).toEqual(['dexamfetamine', 'dextroamphetamine']);
    // A name may be a phrase, looked up as one.
    expect(otherDrugNames('nitroglycerin')).toEqual(['glyceryl trinitrate']);
    expect(otherDrugNames('glyceryl trinitrate')).toEqual(['nitroglycerin']);
    expect(otherDrugNames('benzylpenicillin')).toEqual(['penicillin g']);
    expect(otherDrugNames('ethinyl oestradiol')).toEqual(['ethinylestradiol', 'ethinyloestradiol', 'ethinyl estradiol']);
  });

  it('gives one name per stem, never one the stemmer already joins to the word', () => {
    expect(stem('cyclosporin')).toBe(stem('cyclosporine'));
    expect(otherDrugNames('ciclosporin')).toEqual(['cyclosporine']);
    expect(otherDrugNames('cyclosporin')).toEqual(['ciclosporin']);
    expect(otherDrugNames('glycerine')).toEqual(['glycerol']);
  });

  it('knows nothing of words that are not in a group, nor of related substances that are not the same', () => {
    for (const word of ['carbimazole', 'thyroxine', 'levothyroxine', 'cortisol', 'heroin', 'diamorphine', 'tylenol', 'amoxicilin', 'Paracetamol', 'glyceryl']) {
      expect(otherDrugNames(word), word).toEqual([]);
    }
  });

  it('holds groups of lower-case names, each in one group only, each group joining names the stemmer keeps apart', () => {
    const seen = new Map<string, number>();
    DRUG_NAME_GROUPS.forEach((group, i) => {
      expect(group.length, group.join()).toBeGreaterThanOrEqual(2);
      for (const name of group) {
        expect(name).toMatch(/^[a-z]+( [a-z]+)*$/);
        expect(seen.get(name), `${name} is in two groups`).toBeUndefined();
        seen.set(name, i);
      }
      // Otherwise the group would add nothing that stemming does not.
      expect(new Set(group.map(stems)).size, group.join()).toBeGreaterThanOrEqual(2);
      // Every name reaches every other name of the group (by itself or a name of the same stem).
      for (const name of group) {
        const reached = new Set([stems(name), ...otherDrugNames(name).map(stems)]);
        expect([...new Set(group.map(stems))].every((s) => reached.has(s)), name).toBe(true);
      }
    });
  });
});
