import { describe, expect, it } from 'vitest';
import { CreateTicketInput, fieldErrors, idCheckOk, PublicAppealInput, TrackByCode } from './schemas';

describe('registration schema', () => {
  it('accepts a minimal phone ticket and strips empty optionals', () => {
    const r = CreateTicketInput.safeParse({ channel: 'phone', callerPhone: ' 13800138000 ', content: '路灯坏了', title: '', address: undefined });
    expect(r.success).toBe(true);
    if (r.success) expect(JSON.parse(JSON.stringify(r.data))).toEqual({ channel: 'phone', callerPhone: '13800138000', content: '路灯坏了' });
  });

  it('accepts landlines and rejects junk numbers, naming the field', () => {
    expect(CreateTicketInput.safeParse({ channel: 'phone', callerPhone: '020-12345678', content: 'x' }).success).toBe(true);
    const bad = CreateTicketInput.safeParse({ channel: 'phone', callerPhone: '12', content: '' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(fieldErrors(bad.error)).toEqual({ callerPhone: 'v.phone', content: 'v.required' });
  });

  it('rejects appeal types outside the contract', () => {
    expect(CreateTicketInput.safeParse({ channel: 'phone', callerPhone: '13800138000', content: 'x', appealType: 'order' }).success).toBe(false);
  });
});

describe('ID number (GB 11643)', () => {
  it('checks the check character and upper-cases x', () => {
    expect(idCheckOk('11010519491231002X')).toBe(true);
    expect(idCheckOk('110105194912310021')).toBe(false);
    const r = CreateTicketInput.safeParse({ channel: 'phone', callerPhone: '13800138000', content: 'x', idNumber: '11010519491231002x' });
    expect(r.success && r.data.idNumber).toBe('11010519491231002X');
    const bad = CreateTicketInput.safeParse({ channel: 'phone', callerPhone: '13800138000', content: 'x', idNumber: '110105194912310021' });
    expect(!bad.success && fieldErrors(bad.error)).toEqual({ idNumber: 'v.idCheck' });
  });
});

describe('citizen schemas', () => {
  it('wants a mobile number and a numeric code', () => {
    const r = PublicAppealInput.safeParse({ phone: '020-1234567', code: 'abc', content: '噪声扰民很严重' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error)).toEqual({ phone: 'v.mobile', code: 'v.code' });
    expect(TrackByCode.safeParse({ number: 'RX1', phone: '13800138000', code: '123456' }).success).toBe(true);
  });
});
