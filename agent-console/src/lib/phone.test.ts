import { describe, expect, it } from 'vitest';
import { CreateTicketInput } from '../api/schemas';
import { normalizePhoneInput } from './phone';

describe('phone numbers as agents type them', () => {
  it.each([
    ['138 0013 8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['(138) 0013 8000', '13800138000'],
    ['020-1234 5678', '020-12345678'],
    ['020 12345678', '02012345678'],
  ])('%s → %s', (typed, stored) => {
    expect(normalizePhoneInput(typed)).toBe(stored);
  });

  it('a normalised mobile passes the registration form; garbage stays refused', () => {
    const ok = CreateTicketInput.safeParse({ channel: 'phone', callerPhone: normalizePhoneInput('+86 138 0013 8000'), content: '小区路灯坏了一个多月' });
    expect(ok.success).toBe(true);
    expect(normalizePhoneInput('call me maybe')).toBe('callmemaybe');
  });
});
