import { beforeAll, describe, expect, it } from 'vitest';
// The server's own table: the console's buttons and labels are held against what the server enforces.
import { RECTIFICATION_TRANSITIONS } from '../../../server/reviews/states';
import { loadLocale, translate } from '../i18n';
import type { RectTransitions } from './api';
import {
  allowedRectificationActions,
  chinaMonth,
  outcomeBody,
  outcomeKey,
  outcomeSummary,
  RECT_FIELDS,
  rectificationBody,
  ratingBody,
  recentMonths,
  statusesWithWork,
} from './logic';

// English is a chunk of its own in the console (i18n/index.tsx); these tests read it.
beforeAll(() => loadLocale('en'));

const table = RECTIFICATION_TRANSITIONS as unknown as RectTransitions;
const agentDecides = {
  sampleRate: 0.3,
  callbackDueHours: 72,
  badReviewCallbackDueHours: 24,
  callbackBy: 'agent',
  dialRetryHours: 2,
  dialStartHour: 9,
  dialEndHour: 18,
  onDissatisfied: 'agent_decides',
  partlyIsDissatisfied: false,
  maxAttempts: 3,
  rectificationWorkingDays: 15,
} as const;
const reopen = { ...agentDecides, onDissatisfied: 'reopen' } as const;

describe('rectification actions from the server table', () => {
  it('gives the centre verify/dismiss on a new case and the clerk report/contest once it is verified', () => {
    expect(allowedRectificationActions(table, 'agent', 'verifying')).toEqual(['verify', 'dismiss']);
    expect(allowedRectificationActions(table, 'unit_clerk', 'verifying')).toEqual(['contest']);
    expect(allowedRectificationActions(table, 'unit_clerk', 'rectifying')).toEqual(['report', 'contest']);
    expect(allowedRectificationActions(table, 'agent', 'rectifying')).toEqual([]);
    expect(allowedRectificationActions(table, 'agent', 'reported')).toEqual(['confirm']);
  });

  it('lets only deciders rule on a contest, and nobody act on a closed case', () => {
    expect(allowedRectificationActions(table, 'agent', 'contested')).toEqual([]);
    expect(allowedRectificationActions(table, 'supervisor', 'contested')).toEqual(['uphold-contest', 'reject-contest']);
    for (const role of ['agent', 'dispatcher', 'supervisor', 'unit_clerk', 'admin'] as const) {
      expect(allowedRectificationActions(table, role, 'closed')).toEqual([]);
    }
    expect(allowedRectificationActions(undefined, 'agent', 'verifying')).toEqual([]);
    expect(statusesWithWork(table, 'unit_clerk').sort()).toEqual(['rectifying', 'verifying']);
  });

  it('has a form and a label in both languages for every server action', () => {
    for (const action of Object.keys(RECTIFICATION_TRANSITIONS)) {
      expect(RECT_FIELDS[action as keyof typeof RECT_FIELDS], action).toBeDefined();
      for (const locale of ['zh-CN', 'en'] as const) {
        for (const key of [`feedback.rect.action.${action}`, `feedback.rect.help.${action}`]) expect(translate(locale, key)).not.toBe(key);
      }
    }
  });

  it('builds the body each action needs and names what is missing', () => {
    expect(rectificationBody('report', { text: '  已整改  ' })).toEqual({ body: { text: '已整改' } });
    expect(rectificationBody('contest', { reason: ' ' })).toEqual({ missing: ['reason'] });
    expect(rectificationBody('confirm', { citizenSatisfied: false })).toEqual({ body: { citizenSatisfied: false } });
    expect(rectificationBody('confirm', { note: 'x' })).toEqual({ missing: ['citizenSatisfied'] });
  });
});

describe('callback outcome', () => {
  it('needs a result and a rating when the citizen answered; no answer needs nothing', () => {
    expect(outcomeBody({ reached: false, note: ' ' }, reopen)).toEqual({ body: { reached: false } });
    expect(outcomeBody({ reached: true, score: 4 }, reopen)).toEqual({ error: 'feedback.cb.needResult' });
    expect(outcomeBody({ reached: true, result: 'solved' }, reopen)).toEqual({ error: 'feedback.cb.needScore' });
    expect(outcomeBody({ reached: true, result: 'solved', score: 5 }, reopen)).toEqual({ body: { reached: true, result: 'solved', score: 5 } });
  });

  it('asks reopen-or-close only when the policy leaves it to the agent and the citizen is dissatisfied', () => {
    // Under "reopen" the server reopens by itself: no decision is sent.
    expect(outcomeBody({ reached: true, result: 'unsolved', score: 2 }, reopen)).toEqual({ body: { reached: true, result: 'unsolved', score: 2 } });
    expect(outcomeBody({ reached: true, result: 'solved', score: 2 }, agentDecides)).toEqual({ error: 'feedback.cb.needDecision' });
    expect(outcomeBody({ reached: true, result: 'unsolved', score: 3, decision: 'close' }, agentDecides)).toEqual({ error: 'feedback.cb.needReason' });
    expect(outcomeBody({ reached: true, result: 'partly', score: 3 }, agentDecides)).toEqual({ body: { reached: true, result: 'partly', score: 3 } });
    expect(outcomeBody({ reached: true, result: 'partly', score: 3, decision: 'reopen' }, { ...agentDecides, partlyIsDissatisfied: true })).toEqual({
      body: { reached: true, result: 'partly', score: 3, decision: 'reopen' },
    });
  });

  it('tells the agent what the server did next', () => {
    const k = (cb: Parameters<typeof outcomeSummary>[0]) => translate('zh-CN', outcomeSummary(cb).key, outcomeSummary(cb).vars);
    expect(k({ status: 'done', decision: 'reopened', decisionReason: null, attempts: 1 })).toMatch(/重新办理/);
    expect(k({ status: 'done', decision: 'closed', decisionReason: '已另行解释', attempts: 1 })).toBe('工单保持办结，理由：已另行解释');
    expect(k({ status: 'pending', decision: null, decisionReason: null, attempts: 1 })).toMatch(/第 1 次/);
    expect(k({ status: 'unreachable', decision: null, decisionReason: null, attempts: 3 })).toMatch(/3 次/);
    expect(k({ status: 'done', decision: null, decisionReason: null, attempts: 1 })).toMatch(/满意/);
  });

  it('maps keys: digits rate, s/p/u answer, 0 is no answer', () => {
    expect(outcomeKey('5')).toEqual({ reached: true, score: 5 });
    expect(outcomeKey('1')).toEqual({ reached: true, score: 1 });
    expect(outcomeKey('U')).toEqual({ reached: true, result: 'unsolved' });
    expect(outcomeKey('0')).toEqual({ reached: false });
    expect(outcomeKey('6')).toBeNull();
    expect(outcomeKey('Enter')).toBeNull();
  });
});

describe('citizen rating', () => {
  it('sends the tracking token when the citizen has it, else asks for phone and code', () => {
    expect(ratingBody('2026112600001', { score: 2, comment: ' 没解决 ' }, 'a'.repeat(32))).toEqual({
      body: { number: '2026112600001', score: 2, comment: '没解决', trackToken: 'a'.repeat(32) },
    });
    expect(ratingBody('2026112600001', { score: 4 }, null)).toEqual({ errors: { phone: 'v.mobile', code: 'v.code' } });
    expect(ratingBody('2026112600001', { score: 4, phone: '13800138000', code: '123456' }, null)).toEqual({
      body: { number: '2026112600001', score: 4, phone: '13800138000', code: '123456' },
    });
    expect(ratingBody('2026112600001', {}, 'a'.repeat(32))).toEqual({ errors: { score: 'feedback.rate.needScore' } });
  });
});

describe('months', () => {
  it('opens on the month in China time and lists back across a year end', () => {
    // 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing.
    expect(chinaMonth(Date.parse('2026-12-31T17:00:00Z'))).toBe('2027-01');
    expect(recentMonths(Date.parse('2027-01-15T00:00:00Z'), 3)).toEqual(['2027-01', '2026-12', '2026-11']);
  });
});
