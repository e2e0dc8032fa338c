import Redis from 'ioredis';

/**
 * A citizen may have one SMS code a minute per phone (server/citizen/sms-limits.ts). Flows that
 * need a second code for the same phone (submit, then track, then rate) let that minute pass
 * without waiting by forgetting the per-minute counters of the queue prefix; the daily counter stays.
 */
export async function smsMinutePasses(prefix: string, redisUrl = 'redis://127.0.0.1:6379') {
  const r = new Redis(redisUrl, { lazyConnect: true });
  await r.connect();
  try {
    const keys = await r.keys(`${prefix}:lim:sms-phone-minute:*`);
    if (keys.length) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}
