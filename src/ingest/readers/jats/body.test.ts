import { describe, expect, it } from 'vitest';
import { texFormula } from './inline.js';
import { jatsArticle, paragraphsOf, readSource } from './test-helpers.js';

async function layout(parts: Parameters<typeof jatsArticle>[0]): Promise<Array<[string, string]>> {
  const source = await readSource(jatsArticle(parts));
  return paragraphsOf(source).map((p) => [p.path, p.text]);
}

describe('JATS reading text', () => {
  it('puts abstract paragraphs under "Abstract", structured ones under their headings, other summaries under their own title', async () => {
    expect(
      await layout({
        abstract:
          '<abstract><title>Abstract</title><sec><title>Background:</title><p>Why.</p></sec><sec><title>Methods</title><p>How.</p></sec></abstract>' +
          '<abstract abstract-type="summary"><title>Author Summary</title><p>Plain words.</p></abstract>' +
          '<abstract abstract-type="toc"><p>Table of contents blurb.</p></abstract>' +
          '<trans-abstract xml:lang="fr"><p>Résumé.</p></trans-abstract>',
        body: '<p>Body text.</p>',
      }),
    ).toEqual([
      ['Abstract > Background', 'Why.'],
      ['Abstract > Methods', 'How.'],
      ['Author Summary', 'Plain words.'],
      ['Body', 'Body text.'],
    ]);
  });

  it('builds the section path from nested sec titles, falling back to the label, then "Section"', async () => {
    expect(
      await layout({
        body:
          '<p>Lead paragraph.</p>' +
          '<sec><title>Methods</title><p>M.</p>' +
          '<sec><label>2.1</label><title>Design</title><p>D.</p></sec>' +
          '<sec><label>2.2</label><p>Unnamed, labelled.</p></sec>' +
          '<sec><p>Unnamed.</p></sec></sec>' +
          '<p>After a section.</p>',
      }),
    ).toEqual([
      ['Body', 'Lead paragraph.'],
      ['Methods', 'M.'],
      ['Methods > Design', 'D.'],
      ['Methods > 2.2', 'Unnamed, labelled.'],
      ['Methods > Section', 'Unnamed.'],
      ['Body', 'After a section.'],
    ]);
  });

  it('flattens inline markup and drops footnote markers', async () => {
    expect(
      await layout({
        body:
          '<p>Use <bold>10 mg</bold> of <italic>drug</italic><sup>a</sup> [<xref ref-type="bibr" rid="b1">1</xref>]' +
          '<xref ref-type="fn" rid="fn1"><sup>*</sup></xref>, see <ext-link ext-link-type="uri" xlink:href="https://x.org">x.org</ext-link>' +
          ' and <inline-formula><mml:math><mml:mi>x</mml:mi><mml:mo>=</mml:mo><mml:mn>2</mml:mn></mml:math></inline-formula>' +
          '<fn id="fn9"><p>An inline footnote.</p></fn>.</p>',
      }),
    ).toEqual([['Body', 'Use 10 mg of druga [1], see x.org and x=2.']]);
  });

  it('keeps one version of a formula given as MathML and TeX, and only the formula of bare TeX', async () => {
    expect(
      await layout({
        body:
          '<p>A <inline-formula><alternatives><tex-math>\\documentclass{minimal}\\begin{document}$y$\\end{document}</tex-math>' +
          '<mml:math><mml:mi>y</mml:mi><mml:annotation encoding="TeX">y</mml:annotation></mml:math></alternatives></inline-formula> and ' +
          '<inline-formula><tex-math>\\documentclass[12pt]{minimal}\\usepackage{amsmath}\\begin{document}$$\\alpha^2$$\\end{document}</tex-math></inline-formula>.</p>',
      }),
    ).toEqual([['Body', 'A y and \\alpha^2.']]);
    expect(texFormula('\\documentclass{minimal}\\begin{document} $x < 1$ \\end{document}')).toBe('x < 1');
    expect(texFormula('a+b')).toBe('a+b');
  });

  it('lays out a table: caption, header and body rows, footnotes, in [...section, label]', async () => {
    expect(
      await layout({
        body:
          '<sec><title>Results</title><p>See Table 2.</p>' +
          '<table-wrap id="t2"><label>Table 2.</label><caption><title>Doses</title><p>By group.</p></caption>' +
          '<table><thead><tr><th>Group</th><th>Dose<xref ref-type="table-fn" rid="tf1">a</xref></th></tr></thead>' +
          '<tbody><tr><td>A</td><td>5<break/>mg</td></tr><tr><td>\u00a0</td><td></td></tr><tr><td colspan="2"><italic>Subgroup</italic></td></tr>' +
          '<tr><td>B</td><td><p>10</p><p>mg</p></td></tr></tbody></table>' +
          '<table-wrap-foot><fn id="tf1"><label>a</label><p>Daily.</p></fn></table-wrap-foot></table-wrap>' +
          '<p>Next.</p></sec>',
      }),
    ).toEqual([
      ['Results', 'See Table 2.'],
      ['Results > Table 2', 'Table 2. Doses. By group.'],
      ['Results > Table 2', 'Group | Dose'],
      ['Results > Table 2', 'A | 5 mg'],
      ['Results > Table 2', 'Subgroup'],
      ['Results > Table 2', 'B | 10 mg'],
      ['Results > Table 2', 'a Daily.'],
      ['Results', 'Next.'],
    ]);
  });

  it('puts a table or list found inside a paragraph after that paragraph, whole', async () => {
    expect(
      await layout({
        body:
          '<sec><title>S</title><p>Before the table ' +
          '<table-wrap><caption><p>Counts</p></caption><table><tr><td>1</td><td>2</td></tr></table></table-wrap>' +
          'and after it, then a list: <list list-type="bullet"><list-item><label>1.</label><p>First item</p>' +
          '<list><list-item><p>Nested item</p></list-item></list></list-item><list-item><p>Second item</p></list-item></list> end.</p></sec>',
      }),
    ).toEqual([
      ['S', 'Before the table and after it, then a list: end.'],
      ['S > Table', 'Table. Counts'],
      ['S > Table', '1 | 2'],
      ['S', '1. First item'],
      ['S', 'Nested item'],
      ['S', 'Second item'],
    ]);
  });

  it('writes figures as one caption paragraph in the current section, and boxes as a section of their own', async () => {
    expect(
      await layout({
        body:
          '<sec><title>Results</title>' +
          '<fig id="f1"><label>Figure 1</label><caption><title>Flow of patients</title><p>CONSORT diagram.</p></caption><graphic xlink:href="f1"/></fig>' +
          '<fig id="f2"><label>Figure 2</label><graphic xlink:href="f2"/></fig>' +
          '<boxed-text><caption><title>Key points</title></caption><p>Point one.</p></boxed-text>' +
          '<boxed-text><label>Box 2</label><p>Point two.</p></boxed-text>' +
          '<supplementary-material id="s1"><label>Table S1</label><caption><p>Extra data.</p></caption></supplementary-material>' +
          '</sec>',
      }),
    ).toEqual([
      ['Results', 'Figure 1. Flow of patients. CONSORT diagram.'],
      ['Results > Box', 'Key points'],
      ['Results > Box', 'Point one.'],
      ['Results > Box 2', 'Point two.'],
    ]);
  });

  it('reads the back matter people read and leaves out references and footnote groups', async () => {
    expect(
      await layout({
        body: '<p>Main.</p>',
        back:
          '<ack><title>Acknowledgments</title><p>Thanks.</p></ack>' +
          '<sec><title>Competing interests</title><p>None.</p></sec>' +
          '<app-group><app><title>Appendix A: Derivation</title><p>Proof.</p></app><app><p>Untitled appendix.</p></app></app-group>' +
          '<notes><p>Data are available.</p></notes>' +
          '<fn-group><fn><p>Funding footnote.</p></fn></fn-group>' +
          '<ref-list><title>References</title><ref id="r1"><mixed-citation>A reference.</mixed-citation></ref></ref-list>',
      }),
    ).toEqual([
      ['Body', 'Main.'],
      ['Acknowledgements', 'Thanks.'],
      ['Competing interests', 'None.'],
      ['Appendix > Appendix A: Derivation', 'Proof.'],
      ['Appendix', 'Untitled appendix.'],
      ['Notes', 'Data are available.'],
    ]);
  });

  it('reads floats given in <floats-group> once, where the body first cites them', async () => {
    const table = '<table-wrap id="t1"><label>Table 1</label><caption><p>Baseline</p></caption><table><tr><td>x</td></tr></table></table-wrap>';
    expect(
      await layout({
        abstract: '<abstract><p>As <xref ref-type="fig" rid="f1">Figure 1</xref> shows.</p></abstract>',
        body:
          '<sec><title>Methods</title><p>Plain.</p></sec>' +
          '<sec><title>Results</title><p>See <xref ref-type="table" rid="t1">Table 1</xref> and <xref ref-type="fig" rid="f1 f2">Figs 1–2</xref>.</p></sec>',
        floats:
          table +
          '<fig id="f1"><label>Figure 1</label><caption><p>One.</p></caption></fig>' +
          '<fig id="f9"><label>Figure 9</label><caption><p>Never cited.</p></caption></fig>',
      }),
    ).toEqual([
      ['Abstract', 'As Figure 1 shows.'],
      ['Methods', 'Plain.'],
      ['Results', 'See Table 1 and Figs 1–2.'],
      ['Results > Table 1', 'Table 1. Baseline'],
      ['Results > Table 1', 'x'],
      ['Results', 'Figure 1. One.'],
      ['Figures and tables', 'Figure 9. Never cited.'],
    ]);
    // A float placed in the body and repeated in <floats-group> is read once.
    const twice = await layout({ body: `<sec><title>Results</title>${table}</sec>`, floats: table });
    expect(twice.filter(([, text]) => text === 'x')).toHaveLength(1);
  });
});
