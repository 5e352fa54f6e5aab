/**
 * A small, hand-made co-occurrence hint for choosing between an abbreviation's meanings: broad
 * clinical topics, each a list of word beginnings. "MI" with "chest" in the query leans to
 * "myocardial infarction" because both belong to the coronary topic, though they share no word.
 *
 * Beginnings, not stems, so one entry covers a family ("cardi" → cardiac, cardiology,
 * cardiomyopathy). Each is at least four letters; shorter entries must equal the whole word.
 */
const TOPICS: Readonly<Record<string, string>> = {
  // The heart in three parts, so "chest" leans to infarction and "murmur" to a valve disease.
  coronary: `heart cardi coronar myocard infarct angina chest troponin stent bypass ischem atherom
    atheroscl cholesterol statin`,
  valves: `heart cardi mitral aortic valve murmur regurgit stenos tricuspid endocard echocardio`,
  rhythm: `heart cardi arrhythm atrial atrium fibrillat palpitat tachycard bradycard pacemaker ecg ekg`,
  vessels: `arter vascul vein venous embol thromb aneurysm hypertens blood pressure stroke ischem
    atherom atheroscl cholesterol statin`,
  lungs: `lung pulmon respir breath dyspn asthma copd oxygen pneumon airway ventilat cough bronch pleur
    spirom inhal`,
  nerves: `brain neuro nerve scleros demyelin relaps seizure epilep cognit dementia spinal headache
    migraine mri cerebr paralys tremor parkinson stroke`,
  cancer: `cancer tumor tumour neoplas carcinom metasta chemo oncol malignan lymphom leukem radiother
    sarcom biopsy`,
  kidneys: `kidney renal nephr dialys creatinin glomerul urine urinar bladder prostat`,
  glands: `diabet insulin glucose thyroid hormon obes metformin glyc endocrin adrenal pituitar`,
  joints: `joint arthr bone fractur muscle musculo knee hip shoulder tendon ligament sprain rehabil
    physiother physical exercis mobility gait orthop`,
  infection: `infect bacter viral virus antibiot sepsis septic fever hiv vaccin microb fungal pathogen`,
  pregnancy: `pregnan birth fetal fetus neonat newborn infant gestat obstet matern`,
  mind: `depress anxiety psychiat mental schizo bipolar mood suicid psycho behavio`,
  gut: `liver hepat bowel gastr intestin colon stomach cirrhos pancrea esophag oesophag bile biliar`,
  clotting: `anticoag warfarin heparin coagul clott bleed haemorrh hemorrh platelet inr prothromb
    fibrin`,
  drugs: `dose dosage drug medicat opioid analges morphine tablet inject mg`,
};

const BY_PREFIX = new Map<string, string[]>();
for (const [topic, list] of Object.entries(TOPICS)) {
  for (const prefix of list.split(/\s+/).filter((p) => p !== '')) {
    BY_PREFIX.set(prefix, [...(BY_PREFIX.get(prefix) ?? []), topic]);
  }
}
const LONGEST_PREFIX = Math.max(...[...BY_PREFIX.keys()].map((p) => p.length));
const MIN_PREFIX = 4; // shorter entries ("hip", "ecg") match whole words only

/** The topics a folded word belongs to, if any. */
export function topicsOf(folded: string): string[] {
  const found = new Set<string>(BY_PREFIX.get(folded) ?? []);
  for (let length = MIN_PREFIX; length <= Math.min(folded.length, LONGEST_PREFIX); length++) {
    for (const topic of BY_PREFIX.get(folded.slice(0, length)) ?? []) found.add(topic);
  }
  return [...found];
}
