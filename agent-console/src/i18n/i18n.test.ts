import { beforeAll, describe, expect, it } from 'vitest';
import { ActionBodies, APPEAL_TYPES, DECLINE_REASONS, EMERGENCY_LINES, RETURN_REASONS, URGENCIES } from '../api/schemas';
import { en } from './en';
import { TICKET_STATUSES } from '../../../contract/enums';
import { loadLocale, translate } from './index';
import { zhCN } from './zh-CN';

// Every status in docs/API.md's lifecycle and every enum the forms offer must read as words, not keys.
const STATUSES = TICKET_STATUSES;
const KEYS = [
  ...STATUSES.map((s) => `status.${s}`),
  ...Object.keys(ActionBodies).map((a) => `action.${a}`),
  ...APPEAL_TYPES.map((v) => `type.${v}`),
  ...URGENCIES.map((v) => `urgency.${v}`),
  ...DECLINE_REASONS.map((v) => `reason.${v}`),
  ...RETURN_REASONS.map((v) => `reason.${v}`),
  ...EMERGENCY_LINES.map((v) => `line.${v}`),
  ...['agent', 'dispatcher', 'supervisor', 'unit_clerk', 'admin'].map((r) => `role.${r}`),
  ...['available', 'busy', 'after_call', 'away'].map((p) => `presence.${p}`),
];

describe('dictionaries', () => {
  // English is fetched on the switch (it is not in the first screen's JS); until then lookups answer in Chinese.
  beforeAll(async () => {
    expect(translate('en', 'status.received')).toBe(zhCN['status.received']);
    await loadLocale('en');
    expect(translate('en', 'status.received')).toBe(en['status.received']);
  });

  it.each(['zh-CN', 'en'] as const)('%s names every status, action and option', (locale) => {
    const missing = KEYS.filter((k) => translate(locale, k) === k);
    expect(missing).toEqual([]);
  });

  it('en has exactly the zh-CN keys, and keeps the same {placeholders}', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zhCN) as (keyof typeof zhCN)[]) expect([k, vars(en[k])]).toEqual([k, vars(zhCN[k])]);
  });

  it('English strings carry no Chinese (a missed translation)', () => {
    const leaked = Object.entries(en).filter(([, v]) => /[\u4e00-\u9fff]/.test(v) && v !== '中文');
    expect(leaked).toEqual([]);
  });

  it('fills placeholders and falls back to zh-CN, then to the key', () => {
    expect(translate('en', 'agent.total', { n: 3 })).toBe('3 tickets');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});
