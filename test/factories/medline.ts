/**
 * Synthetic MEDLINE records (PubmedArticleSet), written for tests: deterministic, any count.
 * Not real citations; PMIDs start at 90,000,000 so they never collide with real ones.
 */
export const SYNTHETIC_PMID_BASE = 90_000_000;

const TOPICS = ['iliopsoas abscess', 'community-acquired pneumonia', 'atrial fibrillation', 'gout flare', 'hyperkalaemia'];
const DESIGNS = ['Randomized Controlled Trial', 'Systematic Review', 'Case Reports', 'Review', 'Practice Guideline'];

export function medlineRecord(i: number, options: { revised?: string } = {}): string {
  const pmid = SYNTHETIC_PMID_BASE + i;
  const topic = TOPICS[i % TOPICS.length];
  const design = DESIGNS[i % DESIGNS.length];
  return `<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">${pmid}</PMID>
    <DateRevised><Year>${options.revised?.slice(0, 4) ?? '2020'}</Year><Month>${options.revised?.slice(5, 7) ?? '01'}</Month><Day>${options.revised?.slice(8, 10) ?? '15'}</Day></DateRevised>
    <Article PubModel="Print">
      <Journal><JournalIssue><PubDate><Year>${2000 + (i % 25)}</Year><Month>Mar</Month></PubDate></JournalIssue><Title>Journal of Synthetic Medicine</Title></Journal>
      <ArticleTitle>Study ${i} of <i>${topic}</i> management</ArticleTitle>
      <Abstract>
        <AbstractText Label="BACKGROUND">Record ${i} asks how ${topic} should be managed in adults.</AbstractText>
        <AbstractText Label="RESULTS">In ${100 + (i % 900)} patients, outcome ${i} improved by ${i % 50}% (95% CI 1.2-3.4; p &lt; 0.05).</AbstractText>
        <AbstractText Label="CONCLUSIONS">Synthetic conclusion number ${i} about ${topic}.</AbstractText>
      </Abstract>
      <AuthorList><Author ValidYN="Y"><LastName>Tester</LastName><ForeName>Ann</ForeName><Initials>A</Initials></Author></AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType><PublicationType>${design}</PublicationType></PublicationTypeList>
    </Article>
    <MeshHeadingList><MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName></MeshHeading></MeshHeadingList>
  </MedlineCitation>
</PubmedArticle>`;
}

export function medlineFile(records: readonly string[], trailer = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n<PubmedArticleSet>\n${records.join('\n')}\n${trailer}</PubmedArticleSet>\n`;
}

export function medlineRange(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) => medlineRecord(from + k));
}
