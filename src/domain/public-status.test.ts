import { describe, expect, it } from 'vitest';
import { publicStatus } from './article.js';

describe("an article's status as readers see it", () => {
  it('is Approved while a newer version is reviewed, since readers see the approved one', () => {
    expect(publicStatus({ status: 'approved', approvedVersion: 1 })).toEqual({ reviewed: true, label: 'Approved', line: 'Approved' });
    expect(publicStatus({ status: 'submitted', approvedVersion: 1 })).toEqual({
      reviewed: true,
      label: 'Approved',
      detail: 'a newer version is submitted',
      line: 'Approved (a newer version is submitted)',
    });
    expect(publicStatus({ status: 'under-review', approvedVersion: 2 }).line).toBe('Approved (a newer version is under review)');
  });

  it('says an article never approved is pending human review', () => {
    expect(publicStatus({ status: 'submitted' })).toEqual({ reviewed: false, label: 'Submitted', detail: 'pending human review', line: 'Submitted — pending human review' });
    expect(publicStatus({ status: 'changes-requested' }).line).toBe('Changes requested — pending human review');
  });

  it('never calls a rejected article reviewed and approved, even one approved before', () => {
    expect(publicStatus({ status: 'rejected', approvedVersion: 1 })).toMatchObject({ reviewed: false, label: 'Rejected' });
  });
});
