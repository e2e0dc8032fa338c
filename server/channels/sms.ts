import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/log/logger';
import type { RateLimiter } from '../platform/http/rate-limit';
import { SmsDispatcher, type SmsSendLog } from '../../integrations/sms/dispatcher';
import { AliyunSmsProvider } from '../../integrations/sms/aliyun';
import { TencentSmsProvider } from '../../integrations/sms/tencent';
import { smsSenderFrom } from '../../integrations/sms/server-bridge';
import type { DeliveryReceipt, SmsProvider } from '../../integrations/sms/types';
import type { ChannelEventSink } from '../../integrations/shared/ports';
import { DevSmsSender, type SmsSender, type SmsTextRenderer } from '../citizen/sms-sender';
import { noticeText } from '../texts/notice-texts';
import { channelEvents, smsSendLog } from './tables';

const Binding = z.record(z.string(), z.unknown());
const AliyunConfig = z.object({
  accessKeyId: z.string(),
  accessKeySecret: z.string(),
  signName: z.string(),
  templates: Binding,
  endpoint: z.string().optional(),
});
const TencentConfig = z.object({
  secretId: z.string(),
  secretKey: z.string(),
  smsSdkAppId: z.string(),
  signName: z.string(),
  templates: Binding,
  region: z.string().optional(),
  endpoint: z.string().optional(),
});

/** The send log in PostgreSQL: claim before sending, so failover and redelivery never send twice. */
export function pgSmsSendLog(db: Db): SmsSendLog {
  return {
    async claim(id) {
      const r = await db.insert(smsSendLog).values({ notificationId: id, status: 'claimed' }).onConflictDoNothing().returning();
      return r.length > 0;
    },
    async release(id) {
      await db.delete(smsSendLog).where(eq(smsSendLog.notificationId, id));
    },
    async record(id, result) {
      await db
        .update(smsSendLog)
        .set({ status: 'sent', provider: result.provider, result: result as unknown as Record<string, unknown> })
        .where(eq(smsSendLog.notificationId, id));
    },
  };
}

/** The configured providers in priority order (Aliyun, then Tencent Cloud). */
export function smsProviders(o: { aliyun?: string; tencent?: string }): SmsProvider[] {
  const providers: SmsProvider[] = [];
  if (o.aliyun) providers.push(new AliyunSmsProvider(AliyunConfig.parse(JSON.parse(o.aliyun)) as never));
  if (o.tencent) providers.push(new TencentSmsProvider(TencentConfig.parse(JSON.parse(o.tencent)) as never));
  return providers;
}

/**
 * Delivery receipts (channels.md §4.2) → the send log: each receipt is kept once as a channel
 * event (dedupe on provider + message id + phone) and, in the same transaction, marks the
 * notification it belongs to delivered or not. Aliyun names our notification (OutId); Tencent
 * only its own message id, found in what the send recorded. A receipt for an unknown id is
 * stored and changes nothing.
 */
export function smsReceiptSink(db: Db): ChannelEventSink {
  return {
    async emit(e) {
      return db.transaction(async (tx) => {
        const ins = await tx
          .insert(channelEvents)
          .values({ channel: e.channel, channelAccount: e.channelAccount, type: e.type, externalId: e.externalId, data: e.data, at: new Date(e.at) })
          .onConflictDoNothing()
          .returning({ id: channelEvents.id });
        if (ins.length === 0) return { duplicate: true };
        if (e.type !== 'sms.receipt') return { duplicate: false };
        const r = e.data as unknown as DeliveryReceipt;
        await tx.execute(sql`update sms_send_log set delivery_status = ${r.ok ? 'delivered' : 'undelivered'}, delivery_code = ${r.code ?? null},
          delivered_at = ${new Date(r.at)}
          where provider = ${e.channelAccount} and (notification_id = ${r.notificationId ?? null}
            or exists (select 1 from jsonb_each_text(result->'providerMsgIds') m where m.value = ${r.providerMsgId}))`);
        return { duplicate: false };
      });
    },
  };
}

/**
 * The SMS sender for this deployment: the configured providers in priority order (Aliyun, then
 * Tencent Cloud; channels.md §4), or the development sender when none is configured.
 * SMS_ALIYUN / SMS_TENCENT hold each provider's JSON settings (keys, sign name, template ids).
 */
export function createSmsSender(o: { db: Db; limiter: RateLimiter; log: Logger; aliyun?: string; tencent?: string }): SmsSender {
  const providers = smsProviders(o);
  const render: SmsTextRenderer = async (template, params) => (await noticeText(o, template, 'sms', params)).text;
  if (providers.length === 0) return new DevSmsSender(o.log, render);
  const dispatcher = new SmsDispatcher({
    providers,
    log: pgSmsSendLog(o.db),
    rateLimit: { hit: async (k, limit, w) => ({ allowed: await o.limiter.hit(k, limit, w), retryAfterSeconds: w }) },
  });
  const bridge = smsSenderFrom(dispatcher);
  // Aliyun and Tencent Cloud send the vendor-approved template by its id with the params; the rendered
  // text goes along for providers that send words (the log provider), so what an operator reads matches.
  return {
    send: async (phone, template, params, notificationId) =>
      bridge.send(phone, template, params, (notificationId ?? randomUUID()) as ReturnType<typeof randomUUID>, await render(template, params)),
  };
}
