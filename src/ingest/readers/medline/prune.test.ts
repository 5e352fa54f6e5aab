import { describe, expect, it } from 'vitest';
import { findBadReference, pruneUnreadRegions } from './prune.js';

describe('pruneUnreadRegions', () => {
  it('cuts affiliations, grant and chemical lists, "Cites" links, history and reference lists', () => {
    const xml =
      '<R><Author><LastName>Smith</LastName><AffiliationInfo><Affiliation>Dept A.</Affiliation></AffiliationInfo></Author>' +
      '<GrantList CompleteYN="Y"><Grant><GrantID>1</GrantID></Grant></GrantList>' +
      '<ChemicalList><Chemical><NameOfSubstance>X</NameOfSubstance></Chemical></ChemicalList>' +
      '<CommentsCorrections RefType="Cites"><RefSource>Old</RefSource></CommentsCorrections>' +
      '<CommentsCorrections RefType="ErratumIn"><RefSource>New</RefSource></CommentsCorrections>' +
      '<History><PubMedPubDate><Year>2019</Year></PubMedPubDate></History>' +
      '<ReferenceList><Title>Refs</Title><ReferenceList><Reference><Citation>A</Citation></Reference></ReferenceList>' +
      '<Reference><Citation>B</Citation></Reference></ReferenceList><After/></R>';
    expect(pruneUnreadRegions(xml)).toBe(
      '<R><Author><LastName>Smith</LastName></Author>' +
        '<CommentsCorrections RefType="ErratumIn"><RefSource>New</RefSource></CommentsCorrections>' +
        '<After/></R>',
    );
  });

  it('cuts an empty element on its own and leaves similarly named elements alone', () => {
    const xml = '<R><GrantList CompleteYN="N"/><Affiliation>kept</Affiliation><HistoryNote>kept</HistoryNote><GrantList><Grant/></GrantList></R>';
    expect(pruneUnreadRegions(xml)).toBe('<R><Affiliation>kept</Affiliation><HistoryNote>kept</HistoryNote></R>');
  });

  it('keeps a region whose end tag is missing, so the XML parser can report it', () => {
    const xml = '<R><AffiliationInfo><Affiliation>x</Affiliation></R>';
    expect(pruneUnreadRegions(xml)).toBe(xml);
  });

  it('returns the very same string when there is nothing to cut', () => {
    const xml = '<R><ArticleTitle>T</ArticleTitle></R>';
    expect(pruneUnreadRegions(xml)).toBe(xml);
  });

  it('does not check markup inside what it cuts (a known trade-off for speed)', () => {
    expect(pruneUnreadRegions('<R><AffiliationInfo><Affiliation>x</Affil></AffiliationInfo></R>')).toBe('<R></R>');
  });
});

describe('findBadReference', () => {
  it('accepts the five XML entities and character references', () => {
    expect(findBadReference('a &amp; b &lt; &gt; &quot; &apos; &#946; &#x3B2; &#x3b2;')).toBeUndefined();
  });

  it('finds undefined entities and bare ampersands, with their index', () => {
    expect(findBadReference('ok &amp; then &nbsp; and')).toEqual({ index: 14, text: '&nbsp;' });
    expect(findBadReference('AT&T')).toEqual({ index: 2, text: '&T' });
    expect(findBadReference('a & b')).toEqual({ index: 2, text: '&' });
    expect(findBadReference('&#xZZ;')).toEqual({ index: 0, text: '&#xZZ;' });
    // XML spells hexadecimal references with a lowercase x only.
    expect(findBadReference('&#X3B2;')).toEqual({ index: 0, text: '&#X3B2;' });
  });
});
