import { describe, expect, it } from 'vitest';
import { redactForPublic } from './public-text';
import { streetLevel } from '../reviews/present';

/** Comments and reports as citizens and units really write them (the way a filter gets dodged included). */
const CASES: { text: string; secrets: string[]; keeps: string[] }[] = [
  { text: '处理太慢了，有事打我电话 139 1234 3927，别再打座机', secrets: ['3927', '1234'], keeps: ['处理太慢了'] },
  { text: '请回电139-1234-3927或者+86 13912343927', secrets: ['3927'], keeps: ['请回电'] },
  { text: '联系我：１３９１２３４３９２７（全角）', secrets: ['３９２７'], keeps: ['全角'] },
  { text: '微信同号1 3 9 1 2 3 4 3 9 2 7谢谢', secrets: ['3 9 2 7'], keeps: ['谢谢'] },
  { text: '座机020-8888 6666转分机', secrets: ['6666', '8888'], keeps: ['转分机'] },
  { text: '身份证号44010619900307123X，材料都交了', secrets: ['123X', '440106'], keeps: ['材料都交了'] },
  { text: '感谢王老师和欧阳先生耐心解答', secrets: ['王老师', '欧阳先生'], keeps: ['耐心解答', '老师', '先生'] },
  { text: '我叫张晓明，住在碧桂园小区12栋，楼下烧烤油烟', secrets: ['张晓明', '碧桂园', '12栋'], keeps: ['楼下烧烤油烟'] },
  { text: '家住天河区体育东路100号3栋1204房，噪音一直没解决', secrets: ['体育东路100号', '1204'], keeps: ['噪音一直没解决'] },
  { text: '经现场核查，已责令商户整改，联系人刘建国，电话13800138000', secrets: ['刘建国', '13800138000', '8000'], keeps: ['已责令商户整改'] },
  { text: '对李女士反映的问题我局已约谈物业', secrets: ['李女士'], keeps: ['我局已约谈物业', '女士'] },
];

describe('redactForPublic', () => {
  it.each(CASES)('$text', ({ text, secrets, keeps }) => {
    const out = redactForPublic(text);
    for (const s of secrets) expect(out, out).not.toContain(s);
    for (const k of keeps) expect(out, out).toContain(k);
  });

  it("masks the caller's own name wherever it appears, and leaves harmless text alone", () => {
    expect(redactForPublic('诸葛亮反映的路灯已修复', ['诸葛亮'])).toBe('**反映的路灯已修复');
    expect(redactForPublic('这位先生的问题已解决，满意')).toBe('这位先生的问题已解决，满意');
    expect(redactForPublic('')).toBe('');
  });
});

describe('streetLevel', () => {
  it('keeps the divisions down to the street, never a road, number or estate', () => {
    expect(streetLevel('广州市天河区林和街道体育东路100号3栋')).toBe('广州市天河区林和街道');
    expect(streetLevel('广州市天河区体育东路100号3栋')).toBe('广州市天河区');
    expect(streetLevel('广州市越秀区北京街道米兰春天小区G2栋320室')).toBe('广州市越秀区北京街道');
    expect(streetLevel('天河区碧桂园小区12栋')).toBe('天河区');
    expect(streetLevel('体育东路100号')).toBeNull();
    expect(streetLevel(null)).toBeNull();
  });
});
