import { stem } from './tokens.js';

/**
 * Drugs known by more than one generic name. The international nonproprietary name, the US
 * adopted name and the older British approved name of one substance often differ ("paracetamol"
 * and "acetaminophen", "salbutamol" and "albuterol", "lignocaine" and "lidocaine"), and a library
 * mixes them: a US trial of "acetaminophen" answers a question on "paracetamol" overdose as
 * fully as a UK guideline does. These are not brand names (expansion/drugs.ts, off by default):
 * each group below names one and the same drug (one substance, or one fixed combination such as
 * co-trimoxazole), so a passage holding any of the names holds the question's word.
 *
 * A name is one word or a phrase of plain words: "nitroglycerin" also finds "glyceryl
 * trinitrate", and the other way round (spellings.ts `drugPhrases`); a hyphenated name is the
 * phrase of its words ("co-trimoxazole" is "co trimoxazole", as the index cuts it).
 *
 * Left out on purpose: pairs that are related but not the same substance (carbimazole is a
 * prodrug of thiamazole, not a name of it), a hormone's own name beside its drug's ("thyroxine",
 * "levothyroxine"; "cortisol", "hydrocortisone"), and street names ("heroin" for diamorphine):
 * each would bring passages about something else.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['paracetamol', 'acetaminophen'],
  ['aspirin', 'acetylsalicylic acid'],
  ['salbutamol', 'albuterol'],
  ['levosalbutamol', 'levalbuterol'],
  ['formoterol', 'eformoterol'],
  ['adrenaline', 'epinephrine'],
  ['noradrenaline', 'norepinephrine'],
  ['isoprenaline', 'isoproterenol'],
  ['orciprenaline', 'metaproterenol'],
  ['lidocaine', 'lignocaine'],
  ['tetracaine', 'amethocaine'],
  ['cinchocaine', 'dibucaine'],
  ['oxybuprocaine', 'benoxinate'],
  ['proxymetacaine', 'proparacaine'],
  ['furosemide', 'frusemide'],
  ['torasemide', 'torsemide'],
  ['bendroflumethiazide', 'bendrofluazide'],
  ['chlortalidone', 'chlorthalidone'],
  ['etacrynic', 'ethacrynic'],
  ['glibenclamide', 'glyburide'],
  ['pethidine', 'meperidine'],
  ['dextropropoxyphene', 'propoxyphene'],
  ['metamizole', 'dipyrone'],
  ['indometacin', 'indomethacin'],
  ['rifampicin', 'rifampin'],
  ['aciclovir', 'acyclovir'],
  ['valaciclovir', 'valacyclovir'],
  ['ribavirin', 'tribavirin'],
  ['amoxicillin', 'amoxycillin'],
  ['meticillin', 'methicillin'],
  ['benzylpenicillin', 'penicillin g'],
  ['phenoxymethylpenicillin', 'penicillin v'],
  ['cefalexin', 'cephalexin'],
  ['cefazolin', 'cephazolin'],
  ['cefalotin', 'cephalothin'],
  ['cefradine', 'cephradine'],
  ['tiabendazole', 'thiabendazole'],
  ['ciclosporin', 'cyclosporine', 'cyclosporin'],
  ['hydroxycarbamide', 'hydroxyurea'],
  ['tioguanine', 'thioguanine'],
  ['mitoxantrone', 'mitozantrone'],
  ['phenobarbital', 'phenobarbitone'],
  ['pentobarbital', 'pentobarbitone'],
  ['thiopental', 'thiopentone'],
  ['clomethiazole', 'chlormethiazole'],
  ['chlorphenamine', 'chlorpheniramine'],
  ['alimemazine', 'trimeprazine'],
  ['dosulepin', 'dothiepin'],
  ['levomepromazine', 'methotrimeprazine'],
  ['flupentixol', 'flupenthixol'],
  ['pizotifen', 'pizotyline'],
  ['trihexyphenidyl', 'benzhexol'],
  ['benzatropine', 'benztropine'],
  ['amfetamine', 'amphetamine'],
  ['dexamfetamine', 'dexamphetamine', 'dextroamphetamine'],
  ['metamfetamine', 'methamphetamine'],
  ['suxamethonium', 'succinylcholine'],
  ['glycopyrronium', 'glycopyrrolate'],
  ['hyoscine', 'scopolamine'],
  ['dicycloverine', 'dicyclomine'],
  ['mesalazine', 'mesalamine'],
  ['ispaghula', 'psyllium'],
  ['dimeticone', 'dimethicone'],
  ['simeticone', 'simethicone'],
  ['guaifenesin', 'guaiphenesin'],
  ['glycerol', 'glycerin', 'glycerine'],
  ['beclometasone', 'beclomethasone'],
  ['cromoglicate', 'cromoglycate', 'cromolyn'],
  ['pentoxifylline', 'oxpentifylline'],
  ['colestyramine', 'cholestyramine'],
  ['deferoxamine', 'desferrioxamine'],
  ['nitroglycerin', 'glyceryl trinitrate'],
  ['co trimoxazole', 'cotrimoxazole', 'trimethoprim sulfamethoxazole', 'trimethoprim sulphamethoxazole'],
  ['co amoxiclav', 'coamoxiclav', 'amoxicillin clavulanate'],
  ['methylthioninium', 'methylene blue'],
  ['thiamazole', 'methimazole'],
  ['tetracosactide', 'tetracosactrin', 'cosyntropin'],
  ['leuprorelin', 'leuprolide'],
  ['ergometrine', 'ergonovine'],
  ['methylergometrine', 'methylergonovine'],
  ['norethisterone', 'norethindrone'],
  ['ethinylestradiol', 'ethinyloestradiol', 'ethinyl estradiol', 'ethinyl oestradiol'],
  ['clomifene', 'clomiphene'],
  ['colecalciferol', 'cholecalciferol'],
  ['phytomenadione', 'phytonadione'],
  ['dithranol', 'anthralin'],
  ['calcipotriol', 'calcipotriene'],
];

/** Each name with the group's other names. */
const OTHERS: ReadonlyMap<string, readonly string[]> = new Map(GROUPS.flatMap((group) => group.map((name) => [name, group.filter((other) => other !== name)] as const)));

/** Most words in a name ("acetylsalicylic acid"). */
export const MAX_NAME_WORDS = Math.max(...GROUPS.flat().map((name) => name.split(' ').length));

/**
 * The other generic names of a drug named by a folded, lower-case word or phrase ("paracetamol" →
 * "acetaminophen", "glyceryl trinitrate" → "nitroglycerin"), one per stem: a name the stemmer
 * already joins to the word or to an earlier name ("cyclosporin", "cyclosporine") adds nothing.
 */
export function otherDrugNames(name: string): string[] {
  const stems = (words: string) => words.split(' ').map(stem).join(' ');
  const seen = new Set([stems(name)]);
  return (OTHERS.get(name) ?? []).filter((other) => {
    const key = stems(other);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every group, for tests. */
export const DRUG_NAME_GROUPS = GROUPS;
