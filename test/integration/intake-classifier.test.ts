import { describe, expect, it } from 'vitest';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { loadClassifier } from '../../server/tickets/classifier';
import { logger } from '../../server/platform/log/logger';

const classifier = await loadClassifier(logger);
const env = useTestEnv({ classify: classifier?.classify });

describe('intake with the shipped classifier, in-process', () => {
  it('stores the suggestion, its model version and the emergency line on the ticket', async () => {
    expect(classifier, 'the shipped model must load in a fresh clone').toBeTruthy();
    const agent = await ApiClient.login(env.baseUrl, (await makeUser(env, 'agent')).user.username);
    const r = await agent.post('/api/tickets', {
      callerPhone: '13800000000',
      title: '孩子学校乱收补课费',
      content: '我孩子所在的中学要求每个学生交补课费，每月八百元，请教育局查处。',
    });
    const s = r.body.data.suggestion;
    expect(s.category).toBe('教育文体');
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.alternatives.length).toBeGreaterThan(0);
    expect(s.modelVersion).toBe(classifier!.version());
    expect(r.body.data.appealType).toBe('report'); // 请…查处: a report of wrongdoing, in the glossary's English name
    // The type comes from the hand-label appeal-type model, whose version is kept with the suggestion.
    expect(s.typeModelVersion).toMatch(/^t\d+-[0-9a-f]{8}$/);
    const fire = await agent.post('/api/tickets', { callerPhone: '13800000000', content: '楼下餐馆着火了，浓烟很大，有人被困！' });
    expect(fire.body.data.suggestion.emergency).toBe('119');
    expect(fire.body.data.urgency).toBe('critical');
  });
});
