import { describe, expect, it } from 'vitest';
import { detectEmergency } from '../src/rules/emergency.js';
import { assessUrgency } from '../src/rules/urgency.js';
import { evaluateEmergencyPhrasings } from '../scripts/eval-emergency.js';

// Messages that must be transferred at once. Recall matters most: each line is a case a hotline
// agent would not want to miss.
const EMERGENCIES: [string, string][] = [
  ['救命！我家厨房着火了，火很大', '119'],
  ['楼道里闻到很重的煤气味，邻居家可能燃气泄漏', '119'],
  ['小区配电房冒烟了，有浓烟', '119'],
  ['电梯困人，我们被困在电梯里半小时了', '119'],
  ['老人突然晕倒在路边，叫不醒', '120'],
  ['我爸喝农药了，快来人', '120'],
  ['孩子抽搐，呼吸困难', '120'],
  ['有人要跳楼，站在楼顶边上', '120'],
  ['门口发生车祸，有人受伤躺在地上', '122'],
  ['高速上两车追尾，车里有人', '122'],
  ['有人持刀在小区砍人', '110'],
  ['有小偷正在偷电动车', '110'],
  ['隔壁家暴，女的一直在喊救命', '110'],
];

// Mentions that are negated, in the past, hypothetical or about prevention: not emergencies.
const NOT_EMERGENCIES = [
  '上周着火的楼现在还没有修好',
  '我家没有着火，只是楼下烧烤的烟味',
  '去年的车祸至今没有赔偿',
  '2019年3月发生交通事故，保险公司拒赔',
  '消防通道被堵，一旦起火后果不堪设想',
  '前天小区发生火灾，物业至今没有说法',
  '火已经扑灭了，但是烧坏的电线没人修',
  '希望加强燃气安全宣传，防止燃气泄漏',
  '小区停车位不足，请解决',
  '火车站附近的公交太少',
  '这个路口没有红绿灯，交通事故频发',
  '假如小区发生火灾，消防车根本进不来',
  '油烟扰民，凌晨三点报警也没人管',
];

describe('emergency lines', () => {
  it.each(EMERGENCIES)('%s → %s', (text, line) => {
    const r = detectEmergency(text);
    expect(r.line).toBe(line);
    expect(r.evidence[0].clause.length).toBeGreaterThan(0);
  });

  it.each(NOT_EMERGENCIES)('not an emergency: %s', (text) => {
    expect(detectEmergency(text).line).toBeNull();
  });

  it('a past mention does not hide an event happening now in the next sentence', () => {
    expect(detectEmergency('去年这里着过火。现在又着火了，救命！').line).toBe('119');
  });

  it('returns the matched term as evidence', () => {
    const r = detectEmergency('有人持刀在小区砍人');
    expect(r.evidence.map((e) => e.term)).toContain('持刀');
  });
});

describe('the phrasing set (classifier/data/emergency-phrasings.jsonl)', () => {
  it('a road accident without injuries that blocks the road is for the traffic police', () => {
    expect(detectEmergency('一辆车撞了，没人受伤，车堵在路中间，请交警马上过来').line).toBe('122');
    expect(detectEmergency('前面那个司机喝了很多酒还在开车').line).toBe('122');
    expect(detectEmergency('我的孩子在商场走丢了，找不到了').line).toBe('110');
  });

  it('has recall ≥ 0.95 on the right line and false alarms ≤ 0.10 on the near-misses', () => {
    const f = evaluateEmergencyPhrasings();
    expect(f.emergencies).toBeGreaterThanOrEqual(50);
    expect(f.nearMisses).toBeGreaterThanOrEqual(50);
    expect(f.misses).toEqual([]);
    expect(f.recallRightLine).toBeGreaterThanOrEqual(0.95);
    expect(f.falseAlarmRate).toBeLessThanOrEqual(0.1);
  });
});

describe('urgency', () => {
  it('is critical whenever an emergency line applies', () => {
    expect(assessUrgency('厨房着火了，救命').urgency).toBe('特急');
  });

  it('is urgent for hazards, outages and wage arrears, with the cue as reason', () => {
    for (const text of ['小区停水三天了', '井盖丢失，晚上有安全隐患', '公司拖欠工资半年']) {
      const r = assessUrgency(text);
      expect(r.urgency).toBe('紧急');
      expect(r.cues.length).toBeGreaterThan(0);
    }
  });

  it('is normal for a routine request', () => {
    expect(assessUrgency('请问公积金贷款需要什么材料').urgency).toBe('一般');
  });
});
