import type { Answer } from '../../types';

/**
 * What the reader should know first. For patients the first notice is the red flags (when to get
 * help now), so it is an alert that cannot be missed; the rest are quieter.
 */
export function Notices({ answer }: { answer: Answer }) {
  if (answer.notices.length === 0) return null;
  const urgent = answer.audience === 'patient' ? answer.notices[0] : undefined;
  const rest = urgent === undefined ? answer.notices : answer.notices.slice(1);
  return (
    <>
      {urgent !== undefined ? (
        <div className="banner error red-flags" role="alert">
          <strong>Important:</strong> {urgent}
        </div>
      ) : null}
      {rest.length > 0 ? (
        <ul className="notices small">
          {rest.map((notice) => (
            <li key={notice}>{notice}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
