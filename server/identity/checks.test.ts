import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskName, maskPhone, normalizeLandline, normalizeMobile, validateCreditCode, validateIdNumber } from './checks.js';

// Check characters computed here straight from the published algorithms, independently of
// checks.ts (weights derived from their definitions rather than copied tables).
/** GB 11643 / ISO 7064 MOD 11-2: W_i = 2^(17-i) mod 11; check value (12 - Σ mod 11) mod 11, 10 → X. */
function gb11643Check(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const v = (12 - (sum % 11)) % 11;
  return v === 10 ? 'X' : String(v);
}
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 32100: W_i = 3^i mod 31; check = 31 - Σ mod 31 (31 → 0). */
function gb32100Check(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]) * (3 ** i % 31);
  return CHARSET[(31 - (sum % 31)) % 31];
}
/** GB 11714: weights 3 7 9 10 5 8 4 2, letters A=10…; check = 11 - Σ mod 11, 10 → X, 11 → 0. */
function gb11714Check(body: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (/\d/.test(body[i]) ? Number(body[i]) : body.charCodeAt(i) - 55) * w[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}
const withId = (first17: string) => first17 + gb11643Check(first17);
const withCredit = (first8: string, orgBody: string) => {
  const first17 = first8 + orgBody + gb11714Check(orgBody);
  return first17 + gb32100Check(first17);
};
const today = new Date('2026-11-25T12:00:00+08:00');

describe('validateIdNumber (GB 11643-1999)', () => {
  it('accepts the standard’s published examples', () => {
    expect(validateIdNumber('11010519491231002X', { today })).toEqual({ ok: true, normalized: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' });
    expect(validateIdNumber('440524188001010014', { today })).toMatchObject({ ok: true, birthDate: '1880-01-01', sex: 'male' });
  });

  it('accepts numbers whose check character is computed here, and normalises x and spaces', () => {
    for (const first17 of ['44010619900307123', '31011520001231004', '65010219780615099', '81000019950101001']) {
      const id = withId(first17);
      expect(validateIdNumber(id, { today })).toMatchObject({ ok: true, normalized: id });
    }
    const x = withId('11010519491231002');
    expect(x.endsWith('X')).toBe(true);
    expect(validateIdNumber(` ${x.slice(0, 6)} ${x.slice(6, 14)} ${x.slice(14).toLowerCase()} `, { today })).toMatchObject({ ok: true, normalized: x });
  });

  it('rejects a changed digit or a wrong check character', () => {
    for (const id of ['11010519491231003X', '110105194912310021', '21010519491231002X', '110105194912310020']) {
      expect(validateIdNumber(id, { today })).toMatchObject({ ok: false, code: 'ID_NUMBER_CHECK_FAILED' });
    }
  });

  it('rejects impossible and future birth dates even with a valid check character', () => {
    for (const first17 of ['11010519490231002', '11010519491301002', '11010518000101002', '11010520261126002']) {
      const r = validateIdNumber(withId(first17), { today });
      expect(r).toMatchObject({ ok: false, code: 'ID_NUMBER_BIRTHDATE' });
      if (!r.ok) expect(r.message.zh).toContain('出生日期');
    }
    expect(validateIdNumber(withId('11010520261125002'), { today }).ok).toBe(true); // born today
    // A mistyped date usually breaks the check character too; the date is the more useful message.
    expect(validateIdNumber('11010519491232002X', { today })).toMatchObject({ ok: false, code: 'ID_NUMBER_BIRTHDATE' });
  });

  it('rejects bad formats: length, characters, old 15-digit numbers, unknown province', () => {
    for (const id of [
      '',
      '1101051949123100',
      '110105194912310X2X',
      '11010519491231002A',
      '110105491231002',
      withId('99010519491231002'),
      withId('00010519491231002'),
    ]) {
      expect(validateIdNumber(id, { today })).toMatchObject({ ok: false, code: 'ID_NUMBER_FORMAT' });
    }
  });
});

describe('validateCreditCode (GB 32100-2015)', () => {
  it('accepts the standard’s published example', () => {
    expect(validateCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      normalized: '91350100M000100Y43',
      registrationAuthority: '9',
      divisionCode: '350100',
      organizationCode: 'M000100Y4',
    });
  });

  it('accepts codes computed here for several registration authorities', () => {
    for (const [first8, org] of [
      ['91440101', '12345678'],
      ['12110000', '40000912'],
      ['53310000', 'MJ4987AB'],
      ['92440300', 'L12345A7'],
      ['Y1110108', '00000001'],
    ]) {
      const code = withCredit(first8, org);
      expect([code, validateCreditCode(code.toLowerCase()).ok]).toEqual([code, true]);
    }
  });

  it('rejects a changed character or a wrong check character', () => {
    expect(validateCreditCode('91350100M000100Y44')).toMatchObject({ ok: false, code: 'CREDIT_CODE_CHECK_FAILED' });
    expect(validateCreditCode('91350200M000100Y43')).toMatchObject({ ok: false, code: 'CREDIT_CODE_CHECK_FAILED' });
  });

  it('rejects a code whose embedded organisation code fails GB 11714, unless told not to check it', () => {
    const first17 = '91440101' + '12345678' + (gb11714Check('12345678') === '0' ? '1' : '0');
    const code = first17 + gb32100Check(first17);
    expect(validateCreditCode(code)).toMatchObject({ ok: false, code: 'CREDIT_CODE_ORG_CODE_CHECK_FAILED' });
    expect(validateCreditCode(code, { checkOrganizationCode: false }).ok).toBe(true);
  });

  it('rejects bad charset, length, authority and division code', () => {
    for (const s of ['91350100M000100I43', '91350100M000100O43', '91350100M000100Y4', '', 'Z1350100M000100Y43', '913501A0M000100Y43']) {
      expect(validateCreditCode(s)).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    }
  });
});

describe('phone numbers', () => {
  it('normalises mobiles written with prefixes and separators', () => {
    for (const s of [
      '13812345678',
      '138 1234 5678',
      '138-1234-5678',
      '+86 138 1234 5678',
      '+8613812345678',
      '008613812345678',
      '8613812345678',
      '(+86) 138.1234.5678',
    ]) {
      expect(normalizeMobile(s)).toEqual({ ok: true, normalized: '13812345678' });
    }
    expect(normalizeMobile('19912345678')).toEqual({ ok: true, normalized: '19912345678' });
  });

  it('rejects what is not a mainland mobile', () => {
    for (const s of ['12812345678', '1381234567', '138123456789', '020-87654321', '+85291234567', 'abc', '']) {
      expect(normalizeMobile(s)).toMatchObject({ ok: false, code: 'PHONE_INVALID' });
    }
  });

  it('normalises landlines to area-local', () => {
    expect(normalizeLandline('(020) 8765 4321')).toEqual({ ok: true, normalized: '020-87654321' });
    expect(normalizeLandline('+86 10 6512 3456')).toEqual({ ok: true, normalized: '010-65123456' });
    expect(normalizeLandline('0755-2345678')).toEqual({ ok: true, normalized: '0755-2345678' });
    expect(normalizeLandline('87654321', { defaultAreaCode: '020' })).toEqual({ ok: true, normalized: '020-87654321' });
    for (const s of ['87654321', '020-1234567', '13812345678', '020-876543210']) expect(normalizeLandline(s).ok).toBe(false);
  });
});

describe('masking for presenters', () => {
  it('masks phones, ID numbers and names', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('020-87654321')).toBe('020-****4321');
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('张')).toBe('*');
  });

  it('keeps an address down to district level (or street level when asked) only', () => {
    expect(maskAddress('广州市天河区林和街道体育东路100号3栋502')).toBe('广州市天河区***');
    expect(maskAddress('广州市天河区林和街道体育东路100号3栋502', { level: 'street' })).toBe('广州市天河区林和街道***');
    expect(maskAddress('广东省广州市天河区林和街道天河路385号太古汇一座')).toBe('广东省广州市天河区***');
    expect(maskAddress('北京市朝阳区建国路88号', { level: 'street' })).toBe('北京市朝阳区***');
    expect(maskAddress('上海市浦东新区陆家嘴街道世纪大道1号', { level: 'street' })).toBe('上海市浦东新区陆家嘴街道***');
    expect(maskAddress('广东省东莞市虎门镇连升路1号', { level: 'street' })).toBe('广东省东莞市虎门镇***');
    expect(maskAddress('广东省东莞市虎门镇连升路1号')).toBe('广东省东莞市***');
    expect(maskAddress('新疆维吾尔自治区乌鲁木齐市天山区')).toBe('新疆维吾尔自治区乌鲁木齐市天山区');
    expect(maskAddress('朝阳区幸福小区3栋2单元')).toBe('朝阳区***'); // 小区 is a compound, not a district
    expect(maskAddress('福田区华强北超市2楼')).toBe('福田区***');
    expect(maskAddress('幸福小区3栋')).toBe('***');
    expect(maskAddress('广东省某某路1号')).toBe('***');
  });
});
