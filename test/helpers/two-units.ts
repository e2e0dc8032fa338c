/**
 * The report suites' cast: categories 01 城乡建设 and 02 交通运输, two units (U 区住建局, V 区交通局),
 * an agent, a dispatcher, a supervisor and one clerk per unit, each signed in.
 */
import { importCategoryTree } from '../../server/catalog/use-cases/import-category-tree';
import { makeUnit, makeUser, type TestEnv } from './env';
import { ApiClient } from './http';

export async function twoUnitsWithStaff(env: TestEnv) {
  await importCategoryTree(
    env.rt.db,
    [
      { code: '01', name: '城乡建设', parentCode: null, level: 1 },
      { code: '02', name: '交通运输', parentCode: null, level: 1 },
    ],
    't',
    't',
  );
  const U = await makeUnit(env, { name: '区住建局' });
  const V = await makeUnit(env, { name: '区交通局' });
  const login = async (role: Parameters<typeof makeUser>[1], unitId?: string) =>
    ApiClient.login(env.baseUrl, (await makeUser(env, role, unitId ? { unitId } : {})).user.username);
  return {
    U,
    V,
    agent: await login('agent'),
    dispatcher: await login('dispatcher'),
    supervisor: await login('supervisor'),
    clerkU: await login('unit_clerk', U.id),
    clerkV: await login('unit_clerk', V.id),
  };
}
