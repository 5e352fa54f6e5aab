import { describe, expect, it } from 'vitest';
import { isFollowUp, resolveFollowUp, suggestFollowUps, topicOf } from './thread.js';

const thread = [{ question: 'What is the management of an iliopsoas abscess?', answer: 'Drainage and antibiotics.' }];

describe('follow-up threads', () => {
  it('reads a follow-up against the earlier question', () => {
    expect(resolveFollowUp('and in children?', thread)).toBe('management iliopsoas abscess children');
    expect(resolveFollowUp('What if the patient is allergic to penicillin?', thread)).toBe('management iliopsoas abscess patient allergic penicillin');
    expect(resolveFollowUp('How long should it be drained?', thread)).toBe('management iliopsoas abscess long drained');
  });

  it('leaves a question that stands on its own, and any question without a thread, as asked', () => {
    expect(isFollowUp('What is the first-line treatment of gout?')).toBe(false);
    expect(resolveFollowUp('What is the first-line treatment of gout?', thread)).toBe('What is the first-line treatment of gout?');
    expect(resolveFollowUp('and in children?', [])).toBe('and in children?');
  });

  it('suggests three questions on the same topic that were not asked', () => {
    expect(topicOf('What is the management for an iliopsoas abscess?')).toBe('iliopsoas abscess');
    expect(topicOf('how to drain a psoas abscess')).toBe('psoas abscess');
    // When to continue or stop is what is asked, not the topic.
    expect(topicOf('How long should anticoagulation continue after a provoked DVT?')).toBe('anticoagulation provoked DVT');
    expect(topicOf('When to stop statins in older adults')).toBe('statins older');
    const suggestions = suggestFollowUps('What is the management for an iliopsoas abscess?');
    expect(suggestions).toEqual([
      'How is iliopsoas abscess diagnosed?',
      'Is iliopsoas abscess managed differently in children?',
      'What changes in pregnancy for iliopsoas abscess?',
    ]);
    expect(suggestFollowUps('how is gout diagnosed')).toContain('What are the treatment options for gout?');
    expect(suggestFollowUps('what is the management')).toEqual([]);
    // A long topic is referred to as "it", which the thread resolves.
    const long = suggestFollowUps('Is ibuprofen safe for analgesia after cardiac surgery?');
    expect(long).toEqual(['How is it diagnosed?', 'What are its treatment options?', 'Is it managed differently in children?']);
    expect(long.every(isFollowUp)).toBe(true);
    expect(suggestFollowUps('Should children with acute otitis media get antibiotics?').join(' ')).not.toMatch(/pregnan/);
    // A short topic is named only when the question writes it as one phrase.
    expect(suggestFollowUps('How is hyperkalaemia treated in children with insulin?')).toEqual(['How is it diagnosed?', 'What follow-up does it need?', 'What is its prognosis?']);
    expect(suggestFollowUps('How is Iliopsoas-Abscess drained?')[0]).toBe('How is Iliopsoas-Abscess diagnosed?');
  });

  it('offers only what the sources the answer drew on speak to', () => {
    const sources = ['Management of gout. Flares are treated with colchicine. Imaging shows tophi.', 'In pregnancy, colchicine is avoided.'];
    expect(suggestFollowUps('What is the prognosis of gout?', sources)).toEqual([
      'How is gout diagnosed?',
      'What are the treatment options for gout?',
      'What changes in pregnancy for gout?',
    ]);
    expect(suggestFollowUps('What is the prognosis of gout?', ['Flares are treated with colchicine.'])).toEqual(['What are the treatment options for gout?']);
    expect(suggestFollowUps('What is the prognosis of gout?', [])).toEqual([]);
  });
});
