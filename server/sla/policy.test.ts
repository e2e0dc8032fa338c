import { describe, expect, it } from 'vitest';
import { createCalendar } from './calendar.js';
import { SHIPPED_HOLIDAY_ROWS } from './holidays.js';
import {
  type PolicyQuery,
  type SlaPolicy,
  SlaPolicyAmbiguousError,
  SlaPolicyNotFoundError,
  computeCallbackDueAt,
  computeDispatchDeadlines,
  computeDispatchDueAt,
  computeExtensionDeadlines,
  maxExtendedDueAt,
  computeSupervisionAt,
  policyWarnings,
  regionPrefix,
  resolvePolicy,
  validatePolicies,
} from './policy.js';
import { SlaPolicyInvalidError, policyFromRow, policyToRow } from './policy-rows.js';
import { SLA_PRESET_NAMES, presetPolicies } from './presets.js';

const cal = createCalendar(SHIPPED_HOLIDAY_ROWS);
const at = (s: string) => new Date(s);
const endOf = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000);
const gd = presetPolicies('guangdong-2022');
const q = (over: Partial<PolicyQuery> = {}): PolicyQuery => ({ regionCode: '440106', appealType: 'complaint', urgency: 'normal', ...over });
/** A policy distinguishable by its reply limit. */
const row = (region: string, appealType: SlaPolicy['appealType'], urgency: SlaPolicy['urgency'], days: number): SlaPolicy => ({
  ...gd[0],
  region,
  appealType,
  urgency,
  replyLimit: { unit: 'working_days', value: days },
});
const days = (p: SlaPolicy) => p.replyLimit.value;

describe('presets', () => {
  it('are valid policy tables with a catch-all for every urgency', () => {
    for (const name of SLA_PRESET_NAMES) {
      const rows = presetPolicies(name);
      expect(validatePolicies(rows)).toEqual([]);
      for (const urgency of ['normal', 'urgent', 'critical'] as const)
        for (const appealType of ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other'] as const)
          expect(() => resolvePolicy(rows, q({ appealType, urgency }))).not.toThrow();
    }
  });

  it('carry the Guangdong 2022 reply limits of domain.md §3', () => {
    const limit = (appealType: PolicyQuery['appealType']) => resolvePolicy(gd, q({ appealType })).replyLimit;
    expect(limit('consult')).toEqual({ unit: 'working_days', value: 2 });
    expect(limit('help')).toEqual({ unit: 'working_days', value: 10 });
    expect(limit('suggestion')).toEqual({ unit: 'working_days', value: 10 });
    expect(limit('complaint')).toEqual({ unit: 'working_days', value: 15 });
    expect(limit('report')).toEqual({ unit: 'working_days', value: 15 });
  });

  it('carry the Shanghai street limits of domain.md §3', () => {
    const sh = presetPolicies('shanghai-street', '310101');
    const p = (appealType: PolicyQuery['appealType']) => resolvePolicy(sh, q({ regionCode: '310101', appealType }));
    expect([p('consult'), p('help'), p('suggestion'), p('complaint')].map(days)).toEqual([1, 5, 1, 5]);
    expect(p('complaint').supervisionAfterWorkingDays).toBe(3);
    expect(p('complaint').extendedReplyLimit).toEqual({ unit: 'working_days', value: 15 });
    expect(sh.every((r) => r.region === '310101')).toBe(true);
  });

  it('give urgent and critical tickets hour limits whatever their type', () => {
    const critical = resolvePolicy(gd, q({ urgency: 'critical' }));
    expect([critical.signLimit, critical.replyLimit]).toEqual([
      { unit: 'minutes', value: 30 },
      { unit: 'hours', value: 24 },
    ]);
    expect(resolvePolicy(gd, q({ urgency: 'urgent', appealType: 'consult' })).replyLimit.unit).toBe('hours');
  });

  it('hand out copies, so editing one never changes the shipped preset', () => {
    presetPolicies('guangdong-2022')[0].replyLimit.value = 99;
    expect(presetPolicies('guangdong-2022')[0].replyLimit.value).not.toBe(99);
  });
});

describe('resolvePolicy precedence', () => {
  it('prefers exact region over nearest parent over farther parent over *', () => {
    const rows = [row('*', '*', '*', 1), row('440000', '*', '*', 2), row('440100', '*', '*', 3), row('440106', '*', '*', 4)];
    expect(days(resolvePolicy(rows, q()))).toBe(4);
    expect(days(resolvePolicy(rows.slice(0, 3), q()))).toBe(3);
    expect(days(resolvePolicy(rows.slice(0, 2), q()))).toBe(2);
    expect(days(resolvePolicy(rows.slice(0, 1), q()))).toBe(1);
    expect(days(resolvePolicy(rows, q({ regionCode: '440106001' })))).toBe(4); // a street inherits its county
    expect(days(resolvePolicy(rows, q({ regionCode: '310101' })))).toBe(1); // other province: only *
  });

  it('ranks region above urgency above appeal type', () => {
    // Region first: the county's own catch-all beats the province's critical row.
    expect(days(resolvePolicy([row('440000', '*', 'critical', 1), row('440106', '*', '*', 2)], q({ urgency: 'critical' })))).toBe(2);
    // Same region: urgency beats type, so a critical complaint gets the critical limit.
    expect(days(resolvePolicy([row('440106', 'complaint', '*', 15), row('440106', '*', 'critical', 1)], q({ urgency: 'critical' })))).toBe(1);
    // Same region and urgency: type decides.
    expect(days(resolvePolicy([row('*', '*', 'normal', 10), row('*', 'complaint', 'normal', 15)], q()))).toBe(15);
    // Exact type and urgency together beat either alone.
    expect(days(resolvePolicy([row('*', 'complaint', '*', 1), row('*', '*', 'normal', 2), row('*', 'complaint', 'normal', 3)], q()))).toBe(3);
  });

  it('never matches a sibling region or a different type or urgency', () => {
    const rows = [row('440100', '*', '*', 1), row('440106', 'help', 'urgent', 2)];
    expect(() => resolvePolicy(rows, q({ regionCode: '440300' }))).toThrow(SlaPolicyNotFoundError);
    expect(days(resolvePolicy(rows, q()))).toBe(1);
  });

  it('throws typed errors when nothing matches or two rows tie', () => {
    const none = (() => {
      try {
        resolvePolicy([], q());
      } catch (e) {
        return e as SlaPolicyNotFoundError;
      }
    })();
    expect(none).toBeInstanceOf(SlaPolicyNotFoundError);
    expect(none?.code).toBe('SLA_POLICY_NOT_FOUND');
    expect(() => resolvePolicy([row('*', '*', '*', 1), row('*', '*', '*', 2)], q())).toThrow(SlaPolicyAmbiguousError);
  });

  it('reads 6-digit codes without their trailing 00 pairs', () => {
    expect([regionPrefix('440000'), regionPrefix('440100'), regionPrefix('440106'), regionPrefix('440106001')]).toEqual(['44', '4401', '440106', '440106001']);
  });
});

describe('deadlines from a policy', () => {
  const complaint = resolvePolicy(gd, q());

  it('stores sign, reply, reminder and return deadlines for a Guangdong complaint across National Day', () => {
    const d = computeDispatchDeadlines(cal, complaint, at('2025-09-30T10:00:00+08:00'));
    expect(d).toEqual({
      signDueAt: endOf('2025-10-09'),
      replyDueAt: endOf('2025-10-28'),
      remindAt: at('2025-10-23T02:30:00+08:00'), // 75% of working time (see WorkCalendar.shareElapsed)
      returnWindowEndsAt: endOf('2025-10-09'),
      firstResponseDueAt: null,
    });
  });

  it('gives a reopened round (重办) the shorter reopen limit', () => {
    const d = computeDispatchDeadlines(cal, complaint, at('2025-09-30T10:00:00+08:00'), { reopened: true });
    expect(d.replyDueAt).toEqual(endOf('2025-10-14')); // 5 wd: 10/1–8 off; 10/9, 10/10, 10/11 (make-up), 10/13, 10/14
  });

  it('uses wall-clock hours for a critical ticket dispatched late on the eve of a holiday', () => {
    const critical = resolvePolicy(gd, q({ urgency: 'critical' }));
    expect(computeDispatchDeadlines(cal, critical, at('2025-09-30T23:00:00+08:00'))).toEqual({
      signDueAt: at('2025-09-30T23:30:00+08:00'),
      replyDueAt: at('2025-10-01T23:00:00+08:00'),
      remindAt: at('2025-10-01T17:00:00+08:00'),
      returnWindowEndsAt: at('2025-09-30T23:30:00+08:00'),
      firstResponseDueAt: at('2025-10-01T01:00:00+08:00'), // "first result within 2 h"
    });
    expect(computeDispatchDueAt(critical, at('2025-09-30T23:58:00+08:00'))).toEqual(at('2025-10-01T00:03:00+08:00'));
  });

  it('applies the policy counting options (close of business, cut-off)', () => {
    const p = { ...complaint, endOfDay: '17:30', afterHoursCutoff: '17:00' };
    const d = computeDispatchDeadlines(cal, p, at('2025-09-30T17:10:00+08:00'));
    expect(d.replyDueAt).toEqual(at('2025-10-29T17:30:00+08:00'));
    expect(d.signDueAt).toEqual(at('2025-10-10T17:30:00+08:00'));
  });

  it('counts a Shanghai suggestion onto the make-up Sunday', () => {
    const sh = resolvePolicy(presetPolicies('shanghai-street'), q({ appealType: 'suggestion' }));
    expect(computeDispatchDeadlines(cal, sh, at('2025-09-26T15:00:00+08:00')).replyDueAt).toEqual(endOf('2025-09-28'));
  });

  it('starts supervision N working days after the due day, and schedules the callback', () => {
    expect(computeSupervisionAt(cal, complaint, endOf('2025-10-28'))).toEqual(endOf('2025-10-31'));
    expect(computeSupervisionAt(cal, complaint, endOf('2025-09-30'))).toEqual(endOf('2025-10-11'));
    const cob = { ...complaint, endOfDay: '17:30' };
    expect(computeSupervisionAt(cal, cob, at('2025-10-28T17:30:00+08:00'))).toEqual(at('2025-10-31T17:30:00+08:00'));
    expect(computeCallbackDueAt(cal, complaint, at('2025-12-31T09:00:00+08:00'))).toEqual(endOf('2026-01-06'));
  });

  it('supervises an hour-limit deadline in hours, even on a holiday', () => {
    const critical = resolvePolicy(gd, q({ urgency: 'critical' }));
    // Due 22:30 on the first day of the 2026 Spring Festival: 2 h later, not 3 working days (2026-02-26).
    expect(computeSupervisionAt(cal, critical, at('2026-02-15T22:30:00+08:00'))).toEqual(at('2026-02-16T00:30:00+08:00'));
    const noHours = { ...critical, supervisionAfterHours: undefined };
    expect(computeSupervisionAt(cal, noHours, at('2026-02-15T22:30:00+08:00'))).toEqual(at('2026-02-18T22:30:00+08:00'));
  });
});

describe('extensions', () => {
  const complaint = resolvePolicy(gd, q());
  const dispatchedAt = at('2025-09-30T10:00:00+08:00');
  const replyDueAt = endOf('2025-10-28');

  it('ends a requested date at end of day, moved off a holiday (art. 203)', () => {
    expect(computeExtensionDeadlines(cal, complaint, { dispatchedAt, replyDueAt, requestedDueDate: '2025-11-14' }).replyDueAt).toEqual(endOf('2025-11-14'));
    expect(computeExtensionDeadlines(cal, complaint, { dispatchedAt, replyDueAt, requestedDueDate: '2025-11-15' }).replyDueAt).toEqual(endOf('2025-11-17'));
  });

  it('uses the policy extended limit from dispatch (Shanghai complex cases: 15 wd)', () => {
    const sh = resolvePolicy(presetPolicies('shanghai-street'), q());
    const r = computeExtensionDeadlines(cal, sh, { dispatchedAt, replyDueAt: endOf('2025-10-14') });
    expect(r.replyDueAt).toEqual(endOf('2025-10-28'));
    expect(r.remindAt).toEqual(at('2025-10-23T02:30:00+08:00'));
  });

  it('caps extensions at the policy maximum: extendedReplyLimit, else twice the reply limit, from dispatch', () => {
    expect(maxExtendedDueAt(cal, complaint, dispatchedAt)).toEqual(endOf('2025-11-18')); // 30 wd
    const sh = resolvePolicy(presetPolicies('shanghai-street'), q());
    expect(maxExtendedDueAt(cal, sh, dispatchedAt)).toEqual(endOf('2025-10-28')); // 15 wd
  });

  it('arms the reminder over the time the extension gives when counted from the approval', () => {
    const approvedAt = at('2025-10-27T10:00:00+08:00');
    const r = computeExtensionDeadlines(cal, complaint, { dispatchedAt, replyDueAt, requestedDueDate: '2025-11-03', remindFrom: approvedAt });
    expect(r.remindAt.getTime()).toBeGreaterThan(approvedAt.getTime());
    expect(r.remindAt.getTime()).toBeLessThan(endOf('2025-11-03').getTime());
  });

  it('refuses an extension that does not move the deadline later, or has no length', () => {
    expect(() => computeExtensionDeadlines(cal, complaint, { dispatchedAt, replyDueAt, requestedDueDate: '2025-10-27' })).toThrow(/later/);
    expect(() => computeExtensionDeadlines(cal, complaint, { dispatchedAt, replyDueAt })).toThrow(/requested due date/);
  });
});

describe('policyWarnings', () => {
  it('warns when a region catch-all hides the preset urgent and critical rows', () => {
    const table = [...gd, row('440106', '*', '*', 5)];
    expect(days(resolvePolicy(table, q({ urgency: 'critical' })))).toBe(5); // the hazard itself
    expect(policyWarnings(table).map((w) => [w.code, w.index, w.message])).toEqual([
      ['SLA_POLICY_URGENCY_SHADOWED', gd.length, '440106/*/* hides */*/urgent for urgent tickets in 440106; add a 440106 row for urgent'],
      ['SLA_POLICY_URGENCY_SHADOWED', gd.length, '440106/*/* hides */*/critical for critical tickets in 440106; add a 440106 row for critical'],
    ]);
    expect(policyWarnings([...table, row('440106', '*', 'urgent', 2), row('440106', '*', 'critical', 1)])).toEqual([]);
    expect(policyWarnings(gd)).toEqual([]);
  });
});

describe('validatePolicies', () => {
  it('flags duplicate keys and bad values', () => {
    const bad = { ...row('44', '*', '*', 1), reminderShare: 1.2, endOfDay: '9:00' };
    const issues = validatePolicies([row('440000', '*', '*', 1), bad, row('4401x', '*', '*', 1)]);
    expect(issues.map((i) => [i.index, i.code])).toEqual([
      [1, 'SLA_POLICY_DUPLICATE'],
      [1, 'SLA_POLICY_VALUE_INVALID'],
      [2, 'SLA_POLICY_VALUE_INVALID'],
    ]);
    expect(issues[1].message).toContain('reminderShare');
    expect(issues[1].message).toContain('endOfDay');
  });
});

describe('stored policy rows', () => {
  it('round-trip every preset row through the sla_policies shape', () => {
    for (const name of SLA_PRESET_NAMES) for (const p of presetPolicies(name, '440100')) expect(policyFromRow(policyToRow(p))).toEqual(p);
  });

  it('refuses rows that would compute wrong deadlines', () => {
    const good = policyToRow(gd[0]);
    const broken = [
      { ...good, appealType: 'complaints' },
      { ...good, urgency: 'high' },
      { ...good, rules: { ...good.rules, replyLimit: { unit: 'days', value: 15 } } },
      { ...good, rules: { ...good.rules, reminderShare: 75 } },
      { ...good, rules: { ...good.rules, replyLimt: { unit: 'working_days', value: 15 } } },
      { ...good, rules: { ...good.rules, countReceiptDay: 'no' } },
    ];
    for (const row of broken) expect(() => policyFromRow(row)).toThrow(SlaPolicyInvalidError);
  });
});
