import { describe, expect, it } from 'vitest';
import type { Evidence, EvidenceSource } from '../domain/answer.js';
import { cleanSentence, composeExtractive, sectionKind } from './extractive.js';

const source = (id: string, patch: Partial<EvidenceSource> = {}): EvidenceSource => ({
  id,
  title: 'Iliopsoas abscess: a case series',
  authors: [],
  ids: {},
  format: 'medline',
  evidenceLevel: 'observational',
  integrity: 'ok',
  publicationTypes: [],
  references: [],
  ...patch,
});

const evidence = (id: string, text: string, patch: Partial<Evidence> = {}): Evidence => ({
  id,
  passageId: `p-${id}`,
  source: source(`s-${id}`),
  section: 'Abstract',
  text,
  score: 1,
  rank: Number(id.slice(1)),
  ...patch,
});

const request = (items: Evidence[], audience: 'clinician' | 'patient' | 'pharmacist' | 'student' = 'clinician') => ({
  question: 'What is the management of an iliopsoas abscess?',
  audience,
  evidence: items,
  thread: [],
});

describe('extractive composer', () => {
  it('quotes sentences verbatim, keeps doses exactly, and points each at its span', () => {
    const e1 = evidence('E1', 'Percutaneous drainage of the iliopsoas abscess succeeded in 16 of 24 patients. Weather was fine.');
    const e2 = evidence('E2', 'Empiric treatment of iliopsoas abscess used piperacillin-tazobactam 4.5 g every 8 hours for the abscess.');
    const draft = composeExtractive(request([e1, e2]));
    const all = [...draft.bottomLine, ...draft.sections.flatMap((s) => s.statements)];
    expect(all.map((s) => s.text)).toContain('Empiric treatment of iliopsoas abscess used piperacillin-tazobactam 4.5 g every 8 hours for the abscess.');
    for (const s of all) {
      const cited = [e1, e2].find((e) => e.id === s.evidence[0])!;
      expect(cited.text.slice(s.quote!.start, s.quote!.end)).toBe(s.text);
    }
    // A sentence that says nothing about the question is not used.
    expect(all.map((s) => s.text)).not.toContain('Weather was fine.');
  });

  it('skips a sentence too like one already chosen', () => {
    const text = 'Percutaneous drainage is the first-line management of iliopsoas abscess in most patients.';
    const draft = composeExtractive(request([evidence('E1', text), evidence('E2', text.replace('most', 'many'))]));
    expect([...draft.bottomLine, ...draft.sections.flatMap((s) => s.statements)]).toHaveLength(1);
  });

  it('files sentences under the section their passage or wording points to', () => {
    expect(sectionKind('pitfalls to avoid', 'Assuming the abscess is primary.')).toBe('pitfalls');
    expect(sectionKind('abstract', 'Computed tomography confirmed the diagnosis in all patients.')).toBe('diagnosis');
    expect(sectionKind('abstract', 'Mortality was 5% at one year.')).toBe('prognosis');
    expect(sectionKind('results', 'Drainage was the main treatment used.')).toBe('treatment');
  });

  it('puts first what the audience needs most, from the same sentences', () => {
    const items = [
      evidence('E1', 'Iliopsoas abscess is a collection of pus in the iliopsoas compartment of adults.'),
      evidence('E2', 'Iliopsoas abscess drainage with antibiotics treats the abscess in adults.', { rank: 1 }),
    ];
    // A question that names no section of its own ("management", "diagnosis"): only the audience weighs.
    const first = (audience: 'pharmacist' | 'student') =>
      composeExtractive({ ...request(items), question: 'iliopsoas abscess in adults', audience }).bottomLine[0]?.evidence[0];
    expect(first('pharmacist')).toBe('E2');
    expect(first('student')).toBe('E1');
  });

  it('weighs first the section the question asks about', () => {
    const items = [
      evidence('E1', 'Computed tomography of the iliopsoas abscess confirmed it in adults.'),
      evidence('E2', 'Drainage with antibiotics resolved the iliopsoas abscess in adults.', { rank: 1 }),
    ];
    const first = (question: string) => composeExtractive({ ...request(items), question }).bottomLine[0]?.evidence[0];
    expect(first('How is an iliopsoas abscess in adults treated?')).toBe('E2');
    expect(first('How is an iliopsoas abscess in adults diagnosed?')).toBe('E1');
  });

  it('leaves dosing out of a patient answer', () => {
    const draft = composeExtractive(
      request(
        [
          evidence('E1', 'Iliopsoas abscess management used cefazolin 2 g every 8 hours in the abscess cases.'),
          evidence('E2', 'Most iliopsoas abscess cases were managed with drainage of the abscess and antibiotics.'),
        ],
        'patient',
      ),
    );
    const texts = [...draft.bottomLine, ...draft.sections.flatMap((s) => s.statements)].map((s) => s.text);
    expect(texts).toEqual(['Most iliopsoas abscess cases were managed with drainage of the abscess and antibiotics.']);
  });

  it('drops an overview\'s own reference markers from the text and traces them to its references', () => {
    const overview = evidence('E1', '- Percutaneous drainage of an iliopsoas abscess succeeded in 40% of patients as the first procedure [1, 3].', {
      section: 'Treatment',
      source: source('doc:overview', {
        evidenceLevel: 'in-house',
        format: 'markdown',
        references: [
          { label: '1', title: 'Management and treatment of iliopsoas abscess.', journal: 'Archives of Surgery', year: 2009 },
          { label: '2', title: 'Other', journal: 'Other Journal', year: 2001 },
          { label: '3', title: 'Ilio-psoas abscesses: percutaneous drainage under image guidance.', journal: 'Clinical Radiology', year: 1997 },
        ],
      }),
    });
    const [statement] = composeExtractive(request([overview])).bottomLine;
    expect(statement?.text).toBe('Percutaneous drainage of an iliopsoas abscess succeeded in 40% of patients as the first procedure.');
    expect(statement?.via?.map((r) => r.journal)).toEqual(['Archives of Surgery', 'Clinical Radiology']);
    expect(cleanSentence('• Drainage [2–4] helped [5].')).toBe('Drainage helped.');
  });

  it('leaves out sentences that say how a study was done rather than what it found', () => {
    const abstract = evidence(
      'E1',
      'Patients with iliopsoas abscess were randomly allocated to drainage or antibiotics alone. Data on iliopsoas abscess outcomes were obtained from records. Drainage of the iliopsoas abscess shortened the hospital stay.',
    );
    const draft = composeExtractive(request([abstract]));
    const texts = [...draft.bottomLine, ...draft.sections.flatMap((s) => s.statements)].map((s) => s.text);
    expect(texts).toEqual(['Drainage of the iliopsoas abscess shortened the hospital stay.']);
  });

  it('puts in the bottom line what answers the question\'s most specific word, never a pitfall read without its heading', () => {
    const overview = source('doc:low-back-pain', { title: 'Low back pain', evidenceLevel: 'in-house', format: 'markdown' });
    const item = (id: string, section: string, text: string) => evidence(id, text, { section, source: overview });
    const items = [
      item('E1', 'Bottom line', 'Most acute low back pain improves whatever the treatment, so nonpharmacologic care comes first and an NSAID if a drug is wanted.'),
      item('E2', 'Treatment', 'In a placebo-controlled trial, regular paracetamol for up to 4 weeks did not shorten recovery from acute low back pain.'),
      item('E3', 'Pitfalls to avoid', 'Relying on regular paracetamol for acute low back pain instead of advice and reassurance.'),
      item('E4', 'Treatment', 'Heat wraps eased acute low back pain more than placebo over five days in two trials.'),
      item('E5', 'Diagnosis', 'Imaging adds nothing in acute low back pain without red flags and exposes the patient to needless radiation.'),
    ];
    const asked = (question: string) => composeExtractive({ ...request(items), question });
    // "acetaminophen" is the question's rarest word: the trial sentence (which writes it as paracetamol) leads.
    const drug = asked('Is acetaminophen effective for acute low back pain?');
    expect(drug.bottomLine.map((s) => s.evidence[0])).toEqual(['E2']);
    // The pitfall still appears, under its own heading.
    expect(drug.sections.find((s) => s.kind === 'pitfalls')?.statements.map((s) => s.evidence[0])).toEqual(['E3']);
    // Asked about low back pain as a whole, the overview's own bottom line leads as before.
    expect(asked('How is acute low back pain managed?').bottomLine[0]?.evidence[0]).toBe('E1');
    // The drug's name inside a compound is read under its other names too ("acetaminophen-based").
    expect(asked('Is acetaminophen-based treatment effective for acute low back pain?').bottomLine.map((s) => s.evidence[0])).toEqual(['E2']);
  });

  it("leads with the overview's bottom-line sentence on what the question asks about", () => {
    const overview = source('doc:iliopsoas', { title: 'Iliopsoas abscess', evidenceLevel: 'in-house', format: 'markdown' });
    const origin = 'Most iliopsoas abscesses arise from disease of the bowel, spine or urinary tract rather than from blood-borne spread.';
    const treatment = 'An iliopsoas abscess is treated with antibiotics and percutaneous drainage, and surgery is kept for failed drainage.';
    const items = [evidence('E1', `${origin} ${treatment}`, { section: 'Bottom line', source: overview })];
    const lead = (question: string) => composeExtractive({ ...request(items), question }).bottomLine[0]?.text;
    // Asked about management, the treatment sentence leads; asked nothing in particular, the overview's order stands.
    expect(lead('How is an iliopsoas abscess managed?')).toBe(treatment);
    expect(lead('Iliopsoas abscess')).toBe(origin);
  });

  it('has nothing to say when no sentence is about the question', () => {
    const statins = evidence('E1', 'Statins lowered LDL cholesterol in adults over five years.', { source: source('s-1', { title: 'Statins in adults' }) });
    const skin = evidence('E2', 'Incision and drainage is the main treatment of a skin abscess.', { source: source('s-2', { title: 'Skin abscess' }) });
    // Neither passage is on iliopsoas abscess: the skin abscess holds only half the topic.
    const draft = composeExtractive(request([statins, skin]));
    expect(draft.bottomLine).toEqual([]);
    expect(draft.sections).toEqual([]);
  });

  const gout = (id: string, text: string) => evidence(id, text, { source: source(`s-${id}`, { title: 'Management of gout', evidenceLevel: 'in-house' }) });
  const statementsOf = (draft: ReturnType<typeof composeExtractive>) => [...draft.bottomLine, ...draft.sections.flatMap((s) => s.statements)].map((s) => s.text);

  it('does not let the words of what is asked ("starting dose") stand in for what it is asked about', () => {
    const passages = [
      gout('E1', 'Starting urate-lowering therapy at a low dose and titrating the dose reduces flares.'),
      gout('E2', 'The starting dose of allopurinol is 100 mg daily, or less in chronic kidney disease.'),
    ];
    const ask = (question: string) => composeExtractive({ ...request(passages), question });
    expect(statementsOf(ask('What is the starting dose of apixaban?'))).toEqual([]);
    expect(statementsOf(ask('How long should apixaban be given?'))).toEqual([]);
    expect(statementsOf(ask('What is the starting dose of allopurinol?'))).toContain('The starting dose of allopurinol is 100 mg daily, or less in chronic kidney disease.');
  });

  it('reads a passage that writes a question word in its other spelling, or a drug under another name, as holding it', () => {
    // Retrieval searched "oesophagitis" as "esophagitis" too, and "paracetamol" as "acetaminophen".
    const esophagitis = evidence('E1', 'Erosive esophagitis healed in most patients on a proton pump inhibitor for eight weeks.', { source: source('s-1', { title: 'Esophagitis in adults' }) });
    const overdose = evidence('E2', 'Acetaminophen overdose is treated with acetylcysteine when the level lies above the treatment line.', { source: source('s-2', { title: 'Acetaminophen poisoning' }) });
    const gtn = evidence('E3', 'Sublingual glyceryl trinitrate relieved exertional angina within minutes.', { source: source('s-3', { title: 'Angina' }) });
    const ask = (question: string) => statementsOf(composeExtractive({ ...request([esophagitis, overdose, gtn]), question }));
    expect(ask('How is oesophagitis treated?')).toEqual([esophagitis.text]);
    expect(ask('How is paracetamol overdose treated?')).toEqual([overdose.text]);
    // A name of several words counts only when all of its words are there.
    expect(ask('Does nitroglycerin relieve angina?')).toEqual([gtn.text]);
    expect(ask('Does nitroglycerin relieve angina?')).toEqual(ask('Does glyceryl trinitrate relieve angina?'));
    // And the phrase typed is one word, held by a passage that writes the drug's one-word name.
    const patch = evidence('E4', 'Nitroglycerin patches reduced angina attacks by a third.', { source: source('s-4', { title: 'Angina' }) });
    expect(statementsOf(composeExtractive({ ...request([patch]), question: 'Does glyceryl trinitrate relieve angina?' }))).toEqual([patch.text]);
    // A hyphenated name is one word too, held by a passage that writes another of its names.
    const pcp = evidence('E5', 'Trimethoprim-sulfamethoxazole prophylaxis prevented pneumocystis pneumonia in most treated patients.', { source: source('s-5', { title: 'Prophylaxis' }) });
    expect(statementsOf(composeExtractive({ ...request([pcp]), question: 'Does co-trimoxazole prevent pneumocystis pneumonia?' }))).toEqual([pcp.text]);
    // A compound's word is read under its other names and spellings ("paracetamol-induced", "tumour-associated").
    const induced = evidence('E6', 'Paracetamol-induced liver injury is treated with acetylcysteine started within eight hours.', { source: source('s-6', { title: 'Liver injury' }) });
    expect(statementsOf(composeExtractive({ ...request([induced]), question: 'How is acetaminophen-induced liver injury treated?' }))).toEqual([induced.text]);
    // A symbol written another way is held: "CDK4 and CDK6" for "CDK4/6", "IL-6" for "IL6", "TNF-alpha" for "TNF-α".
    const cdk = evidence('E7', 'Palbociclib, an inhibitor of CDK4 and CDK6, doubled progression-free survival in advanced breast cancer.', { source: source('s-7', { title: 'Palbociclib' }) });
    const il6 = evidence('E8', 'Tocilizumab blocks the IL-6 receptor and settled cytokine release syndrome within a day in most patients.', { source: source('s-8', { title: 'Cytokine release' }) });
    const tnf = evidence('E9', 'Blocking TNF-alpha with infliximab induced remission of moderate Crohn disease in a third of patients.', { source: source('s-9', { title: 'Crohn disease' }) });
    const symbols = (question: string) => statementsOf(composeExtractive({ ...request([cdk, il6, tnf]), question }));
    expect(symbols('Do CDK4/6 inhibitors prolong survival?')).toEqual([cdk.text]);
    expect(symbols('Does IL6 receptor blockade settle cytokine release syndrome?')).toEqual([il6.text]);
    expect(symbols('Does TNF-α blockade work in Crohn disease?')).toEqual([tnf.text]);
    // Related is not the same: carbimazole is not another name of anything here.
    expect(ask('How is carbimazole overdose treated?')).toEqual([]);
  });

  it('answers a question about children, pregnancy or older adults only from passages about them', () => {
    const adults = evidence('E1', 'Percutaneous drainage of the iliopsoas abscess succeeded in 16 of 24 patients.');
    const children = evidence('E2', 'In children, iliopsoas abscess was mostly primary and responded to antibiotics with drainage.');
    const inChildren = (items: Evidence[], question: string) => statementsOf(composeExtractive({ ...request(items), question }));
    expect(inChildren([adults], 'How is an iliopsoas abscess managed in children?')).toEqual([]);
    expect(inChildren([adults], 'Iliopsoas abscess in pregnancy')).toEqual([]);
    expect(inChildren([adults], 'iliopsoas abscess in the elderly')).toEqual([]);
    expect(inChildren([adults, children], 'How is an iliopsoas abscess managed in paediatric patients?')).toEqual([children.text]);
    // A source whose title names the group covers its passages.
    const titled = evidence('E3', 'Percutaneous drainage of the iliopsoas abscess succeeded in 9 of 11.', { source: source('s-3', { title: 'Iliopsoas abscess in pregnancy' }) });
    expect(inChildren([adults, titled], 'iliopsoas abscess during pregnancy')).toEqual([titled.text]);
  });
});
