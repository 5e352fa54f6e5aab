import type { ReReviewFlag, ReviewDecision } from '../../types';
import type { VersionInfo } from './compare-rows';
import { When } from './format';
import { actionLabel } from './labels';
import { PersonName } from './people';

const ORIGIN_LABELS: Record<VersionInfo['origin'], string> = { published: 'Published', edited: 'Edited by hand', regenerated: 'Asked again' };

/** Every version, oldest first as the API lists them: the article's history reads downwards. */
export function VersionsTable({ versions }: { versions: VersionInfo[] }) {
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <div className="table-scroll">
        <table className="stack-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Origin</th>
              <th scope="col">Note</th>
              <th scope="col">Author</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.number}>
                <td data-label="Version">{v.number}</td>
                <td data-label="Origin">{ORIGIN_LABELS[v.origin] ?? v.origin}</td>
                <td data-label="Note">{v.note ?? <span className="muted">—</span>}</td>
                <td data-label="Author"><PersonName id={v.createdBy} /></td>
                <td data-label="Date"><When at={v.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function DecisionsTable({ decisions }: { decisions: ReviewDecision[] }) {
  return (
    <section aria-labelledby="decisions-heading">
      <h2 id="decisions-heading">Decisions</h2>
      {decisions.length === 0 ? (
        <p className="muted">No decisions yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Version</th>
                <th scope="col">Reviewer</th>
                <th scope="col">Comment</th>
                <th scope="col">Date</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((d, i) => (
                <tr key={`${d.at}-${i}`}>
                  <td data-label="Action">{actionLabel(d.action)}</td>
                  <td data-label="Version">{d.version}</td>
                  <td data-label="Reviewer"><PersonName id={d.reviewerId} /></td>
                  <td data-label="Comment">{d.comment ?? <span className="muted">—</span>}</td>
                  <td data-label="Date"><When at={d.at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const FLAG_KINDS: Record<ReReviewFlag['kind'], string> = {
  'retracted-source': 'Cited source retracted',
  'corrected-source': 'Cited source corrected',
  'newer-evidence': 'Newer evidence',
};

/** The open re-review flags: why the approved text may no longer hold. */
export function FlagList({ flags }: { flags: ReReviewFlag[] }) {
  return (
    <ul className="plain flags">
      {flags.map((flag) => (
        <li key={flag.id} className="banner flagged">
          <strong>{FLAG_KINDS[flag.kind] ?? flag.kind}:</strong> {flag.detail}
          <span className="small"> (version {flag.version}, raised <When at={flag.raisedAt} />)</span>
        </li>
      ))}
    </ul>
  );
}
