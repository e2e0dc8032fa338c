import { describe, expect, it } from 'vitest';
import { actionsFor, parseActionBody } from './actions';

describe('allowedActions → buttons', () => {
  it('shows exactly the allowed actions, forward step first, destructive last', () => {
    const specs = actionsFor(['decline', 'merge', 'transfer-emergency', 'submit', 'answer-directly']);
    expect(specs.map((s) => s.action)).toEqual(['submit', 'answer-directly', 'merge', 'decline', 'transfer-emergency']);
    expect(specs.find((s) => s.action === 'decline')?.tone).toBe('danger');
  });

  it('skips actions this console does not know rather than guessing', () => {
    expect(actionsFor(['sign', 'teleport']).map((s) => s.action)).toEqual(['sign']);
    expect(actionsFor([])).toEqual([]);
  });

  it('keeps drafts for long-text actions only', () => {
    const drafted = actionsFor(['reply', 'answer-directly', 'sign', 'dispatch'])
      .filter((s) => s.draft)
      .map((s) => s.action);
    expect(drafted).toEqual(['reply', 'answer-directly']);
  });
});

describe('action bodies (docs/API.md)', () => {
  it('requires a reason code and note to decline', () => {
    expect(parseActionBody('decline', { note: 'x' }).success).toBe(false);
    const ok = parseActionBody('decline', { reasonCode: 'statutory_route', note: ' 请走诉讼途径 ' });
    expect(ok.success && ok.data).toEqual({ reasonCode: 'statutory_route', note: '请走诉讼途径' });
  });

  it('drops empty optional notes so the server does not see empty strings', () => {
    const r = parseActionBody('accept-reply', { note: '' });
    expect(r.success && r.data).toEqual({ note: undefined });
    expect(JSON.stringify(r.success && r.data)).toBe('{}');
  });

  it('checks dates and emergency lines', () => {
    expect(parseActionBody('request-extension', { newDueDate: '2026/12/01', reason: 'r' }).success).toBe(false);
    expect(parseActionBody('request-extension', { newDueDate: '2026-12-01', reason: 'r' }).success).toBe(true);
    expect(parseActionBody('transfer-emergency', { line: '911' }).success).toBe(false);
    expect(parseActionBody('transfer-emergency', { line: '120' }).success).toBe(true);
  });

  it('gives i18n keys as messages', () => {
    const r = parseActionBody('reply', {});
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].message).toBe('v.required');
  });
});
