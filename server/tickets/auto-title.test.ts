import { describe, expect, it } from 'vitest';
import { autoTitle } from './auto-title';

describe('the title an appeal gets from its text', () => {
  it('keeps a short text whole', () => {
    expect(autoTitle('小区路灯坏了')).toBe('小区路灯坏了');
  });

  it('never cuts a phone number in half', () => {
    // 35 characters, then the number: character 40 falls inside it.
    const text = '我家楼下餐馆油烟很大已经反映多次了请尽快处理不然真的没法住了联系电话13800138000谢谢';
    const title = autoTitle(text);
    expect(text.slice(0, 40)).toMatch(/\d$/); // the naive cut would end inside the number
    expect(title).toBe('我家楼下餐馆油烟很大已经反映多次了请尽快处理不然真的没法住了联系电话');
  });

  it('never cuts a plate number in half', () => {
    const text = '小区地下车库有一辆僵尸车已经停了半年多了无人处理请尽快拖走这辆车牌号粤A12345Z的车';
    expect(text.slice(0, 40)).toMatch(/\d$/);
    expect(autoTitle(text)).toBe('小区地下车库有一辆僵尸车已经停了半年多了无人处理请尽快拖走这辆车牌号');
  });

  it('cuts at a pause in the last third when there is one', () => {
    const text = '天河区林和街道某某路十号门口的路灯已经坏了一个多月，晚上出行非常不安全希望尽快派人修理';
    expect(autoTitle(text)).toBe('天河区林和街道某某路十号门口的路灯已经坏了一个多月');
  });

  it('cuts at 40 characters when there is no pause and no number at the cut', () => {
    const text = '天'.repeat(60);
    expect(autoTitle(text)).toBe('天'.repeat(40));
  });
});
