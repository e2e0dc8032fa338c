/**
 * Attack on the public review page (好差评公示, GET /api/public/reviews, no login): the place kept
 * house numbers and estate names, the comment scrubber let spaced mobiles and names through, and
 * the ticket number (sequential, on every SMS the citizen got) was printed beside each review.
 * Real app, PostgreSQL and Redis; texts as citizens type them.
 */
import { beforeAll, expect, it } from 'vitest';
import { useTestEnv, makeUnit, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { closeOverHttp, makeTicket } from '../helpers/factories';
import { rateTicket } from '../../server/reviews/use-cases/submit-rating';

const env = useTestEnv();
const anon = () => new ApiClient(env.baseUrl);
let unitId: string;
const numbers: string[] = [];
const CASES = [
  { name: '司马相如', address: '广州市天河区林和街道碧桂园小区12栋1204房', comment: '处理太慢，有事打我电话 139 1234 3927，我是司马相如' },
  { name: '王建国', address: '广州市天河区体育东路100号3栋', comment: '感谢王老师，身份证44010619900307123X的材料已交，座机020-8888 6666' },
];

beforeAll(async () => {
  const unit = await makeUnit(env, { name: '市城管局' });
  unitId = unit.id;
  const agentUser = await makeUser(env, 'agent');
  const crew = {
    agent: await ApiClient.login(env.baseUrl, agentUser.user.username),
    dispatcher: await ApiClient.login(env.baseUrl, (await makeUser(env, 'dispatcher')).user.username),
    clerk: await ApiClient.login(env.baseUrl, (await makeUser(env, 'unit_clerk', { unitId })).user.username),
    unitId,
  };
  for (const c of CASES) {
    const t = await makeTicket(env, agentUser.actor, { name: c.name, address: c.address, phone: '13800138000' });
    numbers.push(t.number);
    await closeOverHttp(env, t.ticketId, crew);
    await rateTicket(env.ctx(agentUser.actor), t.ticketId, { score: 2, source: 'callback', comment: c.comment });
  }
});

it('publishes street-level places, scrubbed comments and opaque ids: no number, name, estate, house number or ticket number', async () => {
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const r = await anon().get(`/api/public/reviews?unitId=${unitId}&month=${month}`);
  expect(r.status).toBe(200);
  const reviews = r.body.data.reviews as { id: string; place: string | null; comment: string; ticketNumber?: string }[];
  expect(reviews).toHaveLength(2);
  const page = JSON.stringify(r.body);
  for (const secret of [
    ...numbers,
    '司马相如',
    '王建国',
    '王老师',
    '碧桂园',
    '12栋',
    '1204',
    '体育东路',
    '100号',
    '3927',
    '1234 3927',
    '44010619900307123X',
    '123X',
    '8888 6666',
    '6666',
  ]) {
    expect(page, secret).not.toContain(secret);
  }
  expect(reviews.map((x) => x.place).sort()).toEqual(['广州市天河区', '广州市天河区林和街道']);
  for (const x of reviews) {
    expect(x.id).toMatch(/^[0-9a-f]{20}$/);
    expect(x).not.toHaveProperty('ticketNumber');
  }
  expect(reviews.map((x) => x.comment).join('|')).toContain('处理太慢');
  // The id is stable (a citizen can point at "their" review) and not the rating's own id.
  const again = await anon().get(`/api/public/reviews?unitId=${unitId}&month=${month}`);
  expect(again.body.data.reviews.map((x: { id: string }) => x.id)).toEqual(reviews.map((x) => x.id));
});
