/**
 * Clinical questions about the topics of the starter library (library/starter), for the answer
 * latency benchmark. Written for this benchmark, phrased the way a clinician would type them:
 * some name a topic's title closely, some ask about one aspect of it (a drug, a threshold, a
 * population), and a few ask about two topics' neighbours (iliopsoas abscess vs haematoma), so
 * the composer's topic filter and the verifier both do real work. 40 questions over 34 topics.
 */
export const STARTER_QUESTIONS: readonly string[] = [
  'What is the management of an iliopsoas abscess?',
  'When should an iliopsoas abscess be drained surgically rather than percutaneously?',
  'How is a spontaneous iliopsoas hematoma managed in a patient on anticoagulation?',
  'How is hyperkalemia treated in the emergency department?',
  'What ECG changes indicate that hyperkalemia needs urgent treatment?',
  'When should anticoagulation be started in atrial fibrillation?',
  'Are DOACs preferred over warfarin for stroke prevention in atrial fibrillation?',
  'Can uncomplicated appendicitis be treated with antibiotics instead of appendectomy?',
  'What is the initial management of NSTEMI?',
  'Should children with acute otitis media get antibiotics or watchful waiting?',
  'What is the first-line treatment of anaphylaxis and what dose of epinephrine is used?',
  'How should asthma in adults be stepped up when it is poorly controlled?',
  'Which antibiotic should be used for non-purulent cellulitis?',
  'How can progression of chronic kidney disease be slowed?',
  'What is the treatment of a first episode of Clostridioides difficile infection?',
  'Which antibiotics are recommended for community-acquired pneumonia treated as an outpatient?',
  'How is an acute exacerbation of COPD managed?',
  'How is deep vein thrombosis diagnosed?',
  'How long should anticoagulation continue after a provoked deep vein thrombosis?',
  'What is the first-line treatment for major depressive disorder in adults?',
  'How is insulin given in diabetic ketoacidosis?',
  'When should potassium be replaced during treatment of diabetic ketoacidosis?',
  'How is an acute gout flare treated?',
  'When should urate-lowering therapy be started in gout?',
  'Which drugs reduce mortality in heart failure with reduced ejection fraction?',
  'What regimen is used to eradicate Helicobacter pylori?',
  'What blood pressure target is recommended for adults with hypertension?',
  'How is levothyroxine dosed in hypothyroidism?',
  'How is infective endocarditis diagnosed?',
  'What is the empirical antibiotic treatment of infective endocarditis?',
  'How is iron deficiency anemia treated with oral iron?',
  'When is imaging indicated for acute low back pain?',
  'What are the options for acute treatment of a migraine attack?',
  'Which patients with postmenopausal osteoporosis should receive bisphosphonates?',
  'How is pulmonary embolism risk stratified and treated?',
  'What is the initial fluid resuscitation in septic shock?',
  'Who should take a statin for primary prevention of cardiovascular disease?',
  'How is group A streptococcal pharyngitis diagnosed and treated?',
  'What is the first-line treatment of uncomplicated cystitis in women?',
  'How is acute upper gastrointestinal bleeding managed before endoscopy?',
];
