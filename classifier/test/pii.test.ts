import { describe, expect, it } from 'vitest';
import { extractPii, isValidIdNumber, maskPii } from '../src/pii.js';

describe('ID numbers (GB 11643)', () => {
  it('accepts a number with the right check character and date', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false); // wrong check character
    expect(isValidIdNumber('11010519491331002X')).toBe(false); // month 13
  });

  it('masks an ID-shaped string even when its check character is wrong, and says so', () => {
    const spans = extractPii('身份证号110105194912310021请核实');
    expect(spans).toEqual([{ kind: 'idNumber', start: 4, end: 22, text: '110105194912310021', valid: false }]);
    expect(maskPii('身份证号110105194912310021')).toBe('身份证号110105********0021');
  });
});

describe('phone numbers', () => {
  it('finds mobiles written plainly, with +86, dashes or spaces, and full-width digits', () => {
    for (const phone of ['13812345678', '+86 138-1234-5678', '138 1234 5678', '１３８１２３４５６７８']) {
      const spans = extractPii(`联系人电话${phone}，谢谢`);
      expect(spans.map((s) => [s.kind, s.text])).toEqual([['mobile', phone]]);
    }
  });

  it('finds landlines with area codes and bare numbers after a phone word', () => {
    expect(extractPii('请拨0731-84567890转123').map((s) => s.text)).toEqual(['0731-84567890转123']);
    expect(extractPii('（0734）8888888').map((s) => s.kind)).toEqual(['landline']);
    expect(extractPii('座机：8456789').map((s) => s.text)).toEqual(['8456789']);
  });

  it('leaves amounts, dates and long numbers that are not phones alone', () => {
    expect(extractPii('2019年5月12日花了12345678元，订单号2019051212345678901')).toEqual([]);
  });

  it('keeps the first 3 and last 4 digits of a mobile so the agent can confirm it with the caller', () => {
    expect(maskPii('我的手机13812345678')).toBe('我的手机138****5678');
  });
});

describe('addresses', () => {
  it('masks household-level addresses including the estate or road in front', () => {
    expect(maskPii('我住在雨花区韶山路100号')).toBe('我住在【地址】');
    expect(maskPii('家住阳光花园3栋2单元501，求助')).toBe('家住【地址】，求助');
    expect(maskPii('联丰路米兰春天G2栋320室')).toBe('【地址】');
  });

  it('does not treat a lone building number or a road name as an address', () => {
    expect(extractPii('在3栋门口')).toEqual([]);
    expect(extractPii('韶山路拥堵')).toEqual([]);
  });
});

describe('maskPii', () => {
  it('handles empty and PII-free text unchanged', () => {
    expect(maskPii('')).toBe('');
    expect(maskPii('小区路灯坏了')).toBe('小区路灯坏了');
  });

  it('masks several kinds in one message without overlapping', () => {
    const masked = maskPii('电话13812345678，身份证11010519491231002X，地址韶山路100号');
    expect(masked).toBe('电话138****5678，身份证110105********002X，地址【地址】');
  });
});
