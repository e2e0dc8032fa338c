import { describe, expect, it } from 'vitest';
import { createDuplicateIndex, signature } from '../src/duplicates.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);
const ORIGINAL =
  'A市A5区嘉华路与嘉兴路交叉路口西北角处有一处露天的垃圾围子，占地20平方米，每天臭味熏天，污水横流，蚊蝇滋生，周边居民苦不堪言，请有关部门尽快处理。';
// The same matter posted again: different punctuation, a greeting added, one phrase changed.
const REPOST =
  '尊敬的领导您好！A市A5区嘉华路与嘉兴路交叉路口西北角处有一处露天的垃圾围子 占地20平方米 每天臭味熏天 污水横流 蚊蝇滋生 周边居民苦不堪言 请相关部门尽快处理!';
const UNRELATED = '我是E市化工研究所职工，我所是自收自支的事业单位，临到退休却领不到退休金，请领导帮忙解决。';

describe('duplicate index', () => {
  it('finds a re-post of the same matter and not an unrelated appeal', () => {
    const index = createDuplicateIndex();
    index.add('t1', ORIGINAL, { at: T0 });
    index.add('t2', UNRELATED, { at: T0 });
    const hits = index.query(REPOST, { at: T0 + DAY });
    expect(hits.map((h) => h.id)).toEqual(['t1']);
    expect(hits[0].score).toBeGreaterThan(0.5);
  });

  it('respects the time window', () => {
    const index = createDuplicateIndex();
    index.add('old', ORIGINAL, { at: T0 - 60 * DAY });
    expect(index.query(REPOST, { at: T0 }, { windowDays: 30 })).toEqual([]);
    expect(index.query(REPOST, { at: T0 }, { windowDays: 90 }).map((h) => h.id)).toEqual(['old']);
  });

  it('forgets removed tickets and replaces re-added ids', () => {
    const index = createDuplicateIndex();
    index.add('t1', ORIGINAL, { at: T0 });
    index.remove('t1');
    expect(index.size).toBe(0);
    expect(index.query(ORIGINAL, { at: T0 })).toEqual([]);
    index.add('t1', UNRELATED, { at: T0 });
    index.add('t1', ORIGINAL, { at: T0 });
    expect(index.size).toBe(1);
    expect(index.query(ORIGINAL, { at: T0 })[0]).toMatchObject({ id: 't1', score: 1 });
  });

  it('ranks the same citizen first among equally similar tickets and reports same place', () => {
    const index = createDuplicateIndex();
    index.add('other', ORIGINAL, { at: T0, citizenKey: 'c2', placeKey: 'p1' });
    index.add('mine', ORIGINAL, { at: T0, citizenKey: 'c1' });
    const hits = index.query(ORIGINAL, { at: T0, citizenKey: 'c1', placeKey: 'p1' });
    expect(hits.map((h) => [h.id, h.sameCitizen, h.samePlace])).toEqual([
      ['mine', true, false],
      ['other', false, true],
    ]);
  });

  it('honours limit and ignores text too short to compare', () => {
    const index = createDuplicateIndex();
    for (let i = 0; i < 10; i++) index.add(`t${i}`, ORIGINAL, { at: T0 });
    expect(index.query(ORIGINAL, { at: T0 }, { limit: 3 })).toHaveLength(3);
    expect(index.add('x', '好', { at: T0 })).toBe(false);
    expect(index.query('！！', { at: T0 })).toEqual([]);
  });

  it('gives traditional and simplified versions of a text the same signature', () => {
    expect(signature('這個醫院的電話打不通，請處理')).toEqual(signature('这个医院的电话打不通，请处理'));
  });
});
