import { REVIEW_ACTIONS, type ArticleStatus, type ReviewAction } from '../../types';

/** The review actions as buttons and history tables name them. */
export const ACTION_LABELS: Readonly<Record<ReviewAction, string>> = {
  'start-review': 'Start review',
  approve: 'Approve',
  'request-changes': 'Request changes',
  reject: 'Reject',
  're-review': 'Take back under review',
};

/** An action's label, or the raw action when the server knows one this build does not. */
export function actionLabel(action: string): string {
  return (REVIEW_ACTIONS as readonly string[]).includes(action) ? ACTION_LABELS[action as ReviewAction] : action;
}

/** Badge colours follow the status: approved green, rejected red, the rest neutral. */
export function badgeClass(status: ArticleStatus): string {
  return `badge ${status}`;
}
