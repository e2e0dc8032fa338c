/**
 * Attack: the Open311 read API (GET /open311/v2/requests.json, /requests/{id}.json) answered anyone,
 * for every ticket of every channel, with the full text and the unit's reply; ticket numbers are
 * sequential. A phone-desk 举报 with the caller's ID number, address and mobile came back whole.
 * Real server stack (app factory), real PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { registerTicket } from '../../server/tickets/use-cases/register-ticket';
import type { Actor } from '../../server/platform/context';

const READS_PER_HOUR = 40;
const env = useTestEnv({
  app: { channels: { ctiKeys: '', open311ApiKeys: 'app-1:key-one,app-2:key-two', open311Jurisdiction: 'rexian.test', open311ReadsPerHour: READS_PER_HOUR } },
});

const PHONE = '13987653927';
const ID_NUMBER = '11010519491231002X';
const NAME = '司马相如';
const DESCRIPTION = `我叫${NAME}，电话${PHONE}，身份证${ID_NUMBER}，家住天河区体育东路100号3栋1204房，楼下路灯整晚不亮`;
const form = (o: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o),
});
const read = async (path: string, key?: string) => {
  const r = await fetch(`${env.baseUrl}/open311/v2/${path}${key ? `${path.includes('?') ? '&' : '?'}api_key=${key}` : ''}`);
  return { status: r.status, text: await r.clone().text(), body: (await r.json()) as any };
};
let ownNo: string;
let reportNo: string;
let deskNo: string;
let unclassifiedNo: string;
let admin: ApiClient;
let system: Actor;

beforeAll(async () => {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '0101', name: '市政设施', parentCode: '01', level: 2 },
    ],
    'test',
    'test',
  );
  admin = await ApiClient.login(env.baseUrl, (await makeUser(env, 'admin')).user.username);
  system = { kind: 'system', name: 'test' };
  const r = await fetch(
    `${env.baseUrl}/open311/v2/requests.json`,
    form({
      api_key: 'key-one',
      service_code: '0101',
      description: DESCRIPTION,
      first_name: '相如',
      last_name: '司马',
      phone: PHONE,
      lat: '23.13',
      long: '113.32',
    }),
  );
  expect(r.status).toBe(201);
  ownNo = ((await r.json()) as { service_request_id: string }[])[0].service_request_id;
  // The phone desk's 举报 (whistle-blower report) with everything in its text.
  reportNo = (
    await registerTicket(
      env.ctx(system),
      {
        channel: 'phone',
        channelAccount: '',
        externalId: `d-${randomUUID()}`,
        citizen: { phone: PHONE, name: NAME, idNumber: ID_NUMBER },
        content: { text: `举报：${DESCRIPTION}` },
        attachments: [],
      },
      { appealType: 'report', categoryCode: '0101' },
    )
  ).number;
  deskNo = (
    await registerTicket(
      env.ctx(system),
      {
        channel: 'phone',
        channelAccount: '',
        externalId: `d-${randomUUID()}`,
        citizen: { phone: '13600001111', name: '欧阳娜娜' },
        content: { text: '欧阳娜娜女士反映路灯不亮，电话136 0000 1111' },
        attachments: [],
      },
      { appealType: 'complaint', categoryCode: '0101' },
    )
  ).number;
  // Filed under key-one, no category yet.
  unclassifiedNo = (
    await registerTicket(
      env.ctx(system),
      { channel: 'open311', channelAccount: 'app-1', externalId: randomUUID(), citizen: {}, content: { text: '井盖松动' }, attachments: [] },
      {},
    )
  ).number;
});

describe('Open311 reads', () => {
  it('refuse a read without an api_key or with a wrong one (403, spec error shape)', async () => {
    for (const path of ['requests.json', `requests/${ownNo}.json`]) {
      const none = await read(path);
      expect(none.status).toBe(403);
      expect(none.body[0]).toHaveProperty('code', 403);
      expect((await read(path, 'not-a-key')).status).toBe(403);
    }
  });

  it("a key sees only what it filed; another key gets 404 for it and never the phone desk's tickets", async () => {
    const own = await read('requests.json', 'key-one');
    const ids = own.body.map((x: { service_request_id: string }) => x.service_request_id);
    expect(ids).toEqual(expect.arrayContaining([ownNo, unclassifiedNo]));
    expect(ids).not.toContain(deskNo);
    expect(ids).not.toContain(reportNo);
    expect((await read(`requests/${ownNo}.json`, 'key-two')).status).toBe(404);
    expect((await read(`requests/${deskNo}.json`, 'key-one')).status).toBe(404);
    const other = await read('requests.json', 'key-two');
    expect(other.body.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([]);
    // Walking the sequential numbers by service_request_id finds nothing of others either.
    const walk = await read(`requests.json?service_request_id=${[ownNo, reportNo, deskNo].join(',')}`, 'key-two');
    expect(walk.body).toEqual([]);
  });

  it("masks phone, ID number, address and names in the description of the key's own request", async () => {
    const one = await read(`requests/${ownNo}.json`, 'key-one');
    expect(one.status).toBe(200);
    const d: string = one.body[0].description;
    for (const secret of [PHONE, ID_NUMBER, NAME, '体育东路100号', '3927', '1204']) expect(d).not.toContain(secret);
    expect(d).toContain('路灯整晚不亮');
    expect(one.text).not.toContain(PHONE);
  });

  it('never lets a 举报 (anonymous report) out, not even in an opted-in public category', async () => {
    expect((await admin.request('PUT', '/api/admin/open311/public-categories', { categoryCode: '0101', public: true })).status).toBe(200);
    try {
      expect((await read(`requests/${reportNo}.json`, 'key-one')).status).toBe(404);
      const all = await read('requests.json', 'key-two');
      expect(all.text).not.toContain(reportNo);
      expect(all.text).not.toContain(ID_NUMBER);
    } finally {
      await admin.request('PUT', '/api/admin/open311/public-categories', { categoryCode: '0101', public: false });
    }
  });

  it("an opted-in category shows other requests as a masked public summary without the unit's notes", async () => {
    const before = await read(`requests/${deskNo}.json`, 'key-two');
    expect(before.status).toBe(404);
    const set = await admin.request('PUT', '/api/admin/open311/public-categories', { categoryCode: '0101', public: true });
    expect(set.status).toBe(200);
    const listed = await admin.get('/api/admin/open311/public-categories');
    expect(listed.body.data.map((x: { categoryCode: string }) => x.categoryCode)).toEqual(['0101']);
    try {
      const after = await read(`requests/${deskNo}.json`, 'key-two');
      expect(after.status).toBe(200);
      expect(after.body[0]).toMatchObject({ service_code: '0101', status_notes: null });
      expect(after.text).not.toContain('欧阳');
      expect(after.text).not.toContain('1111');
    } finally {
      await admin.request('PUT', '/api/admin/open311/public-categories', { categoryCode: '0101', public: false });
    }
    expect((await read(`requests/${deskNo}.json`, 'key-two')).status).toBe(404);
  });

  it('lists every request with a string service_code (GeoReport v2), an unclassified one included', async () => {
    const all = await read('requests.json', 'key-one');
    for (const r of all.body) expect(typeof r.service_code).toBe('string');
    expect(all.body.find((x: { service_request_id: string }) => x.service_request_id === unclassifiedNo)).toMatchObject({
      service_code: 'unclassified',
      service_name: '待分类',
    });
  });

  it('rate-limits reads per api_key (429 with Retry-After), the other key unaffected', async () => {
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < READS_PER_HOUR + 2; i++) {
      const r = await fetch(`${env.baseUrl}/open311/v2/requests/${ownNo}.json?api_key=key-one`);
      last = r.status;
      retryAfter = r.headers.get('retry-after');
      await r.arrayBuffer();
      if (last === 429) break;
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await read('requests.json', 'key-two')).status).toBe(200);
  });
});
