import { useMemo, useState } from 'react';
import { Link } from '../../router';
import { useSession } from '../../session';
import { STATUS_LABELS, type ListedArticle, type ReviewDecision, type StatementComment } from '../../types';
import { canRevise } from '../../../../src/domain/article.js';
import type { VersionInfo } from './compare-rows';
import { DecisionPanel, DismissFlags } from './DecisionPanel';
import { ErrorBanner, When } from './format';
import { DecisionsTable, FlagList, VersionsTable } from './History';
import { badgeClass } from './labels';
import { NewVersionForm } from './NewVersionForm';
import { CommentDeskContext, type CommentDesk } from './StatementComments';
import { useFetched } from './use-fetched';
import { VersionCompare } from './VersionCompare';
import './review.css';
import { PeopleProvider, PersonName } from './people';

/**
 * One article on the review desk: its status and flags, the reviewer's decision, the versions
 * side by side with comments on statements, the editor's new version, and the history.
 */
export function Workspace({ id }: { id: string }) {
  const session = useSession();
  const base = `/api/v1/articles/${encodeURIComponent(id)}`;
  // The desk's own view of the article, whatever its status: the readers' view (`base`) hides a rejected one.
  const view = useFetched<{ article: ListedArticle }>(`${base}/workspace`);
  const versions = useFetched<{ versions: VersionInfo[] }>(`${base}/versions`);
  const decisions = useFetched<{ decisions: ReviewDecision[] }>(`${base}/reviews`);
  const comments = useFetched<{ comments: StatementComment[] }>(`${base}/comments`);
  const [open, setOpen] = useState<string | undefined>();
  const reloadComments = comments.reload;
  const final = view.data?.article.status === 'rejected';
  const desk = useMemo<CommentDesk>(
    () => ({ base, comments: comments.data?.comments ?? [], me: session.account?.id, open, setOpen, reload: reloadComments, final }),
    [base, comments.data, session.account?.id, open, reloadComments, final],
  );
  // A decision or a new version changes the status, the version list and the history alike.
  const reloadAll = () => {
    view.reload();
    versions.reload();
    decisions.reload();
  };

  const article = view.data?.article;
  if (!article) {
    return (
      <section>
        <p><Link to="/review">← Review desk</Link></p>
        <h1>{view.error ? 'Article not available' : 'Loading article…'}</h1>
        <ErrorBanner error={view.error} />
      </section>
    );
  }
  const isReviewer = session.has('reviewer');
  const rejected = article.status === 'rejected';
  return (
    <PeopleProvider>
      <article className="workspace wide" aria-labelledby="article-title">
        <p className="noprint"><Link to="/review">← Review desk</Link></p>
        <h1 id="article-title">{article.title}</h1>
        <ArticleFacts article={article} />
        <ErrorBanner error={view.error ?? versions.error ?? decisions.error ?? comments.error} />
        {rejected ? <Rejection decisions={decisions.data?.decisions} /> : null}
        {article.flags.length > 0 ? (
          <section aria-labelledby="flags-heading">
            <h2 id="flags-heading">Flagged for re-review</h2>
            <FlagList flags={article.flags} />
            {isReviewer ? <DismissFlags base={base} onDismissed={reloadAll} /> : null}
          </section>
        ) : null}
        {isReviewer && !rejected ? <DecisionPanel article={article} base={base} onDecided={reloadAll} /> : null}
        <CommentDeskContext.Provider value={desk}>
          {versions.data ? (
            <VersionCompare key={article.currentVersion} base={base} versions={versions.data.versions} current={article.currentVersion} canComment={!rejected} />
          ) : null}
        </CommentDeskContext.Provider>
        {session.has('editor') && canRevise(article.status) ? <NewVersionForm base={base} onMade={reloadAll} /> : null}
        {versions.data ? <VersionsTable versions={versions.data.versions} /> : null}
        {decisions.data ? <DecisionsTable decisions={decisions.data.decisions} /> : null}
      </article>
    </PeopleProvider>
  );
}

/** Why and when the article was rejected (its last decision), and what that means; the history follows below. */
function Rejection({ decisions }: { decisions: ReviewDecision[] | undefined }) {
  const decision = decisions?.findLast((d) => d.action === 'reject');
  return (
    <section aria-labelledby="rejected-heading" className="banner error rejection">
      <h2 id="rejected-heading">Rejected</h2>
      {decision ? (
        <p>
          Version {decision.version} was rejected by <PersonName id={decision.reviewerId} />, <When at={decision.at} />
          {decision.comment ? <>: <q>{decision.comment}</q></> : '.'}
        </p>
      ) : null}
      <p>A rejected article is final: readers cannot see it, and it takes no new versions or comments. To answer the question again, publish a new article.</p>
    </section>
  );
}

function ArticleFacts({ article }: { article: ListedArticle }) {
  const approval = article.approval;
  return (
    <dl className="facts">
      <div>
        <dt>Status</dt>
        <dd><span className={badgeClass(article.status)}>{STATUS_LABELS[article.status]}</span></dd>
      </div>
      <div>
        <dt>Current version</dt>
        <dd>{article.currentVersion}</dd>
      </div>
      <div>
        <dt>Approved version</dt>
        <dd>
          {approval ? (
            <>
              {approval.version}, by {approval.reviewerName}
              {approval.credentials ? ` (${approval.credentials})` : ''}, <When at={approval.at} />
            </>
          ) : (
            'none yet'
          )}
        </dd>
      </div>
      <div>
        <dt>Question</dt>
        <dd>{article.question}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd><When at={article.updatedAt} /></dd>
      </div>
      <div>
        <dt>Page</dt>
        <dd>{article.status === 'rejected' ? 'Withdrawn: readers cannot see a rejected article' : <a href={article.url}>Public page</a>}</dd>
      </div>
    </dl>
  );
}
