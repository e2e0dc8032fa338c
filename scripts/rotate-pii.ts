/**
 * `npm run pii:rotate`: rewrites personal data under the current PII_KEY (PII_KEY_VERSION) while
 * the centre keeps running. Steps: deploy every node with the new PII_KEY, PII_KEY_VERSION = old+1
 * and PII_OLD_KEYS=old_version:old_key; run this; when it reports 0 rows left, remove PII_OLD_KEYS.
 */
import { env } from '../server/platform/config/env';
import { createDb } from '../server/platform/db/client';
import { parseOldPiiKeys, PiiVault } from '../server/platform/crypto/pii';
import { logger } from '../server/platform/log/logger';
import { rotatePii } from '../server/identity/rotate-pii';

const db = createDb(env.DATABASE_URL, 2);
const vault = new PiiVault(env.PII_KEY, { version: env.PII_KEY_VERSION, old: parseOldPiiKeys(env.PII_OLD_KEYS) });
const batch = Number(process.argv.find((a) => a.startsWith('--batch='))?.slice(8) ?? 500);
rotatePii(db, vault, { batch, log: logger })
  .then((done) => {
    console.log(`pii:rotate to key version ${vault.version}: ${JSON.stringify(done)}`);
    return db.$client.end();
  })
  .catch((e: Error) => {
    logger.fatal({ err: e.message }, 'pii rotation failed');
    process.exit(1);
  });
