/**
 * WeChat official account configuration (channels.md §1: one row per account; `default`
 * seeded from env). The adapter only reads accounts through this port.
 */
import { z } from 'zod';
import { decodeAesKey } from './crypto';

export const WechatMode = z.enum(['plain', 'compat', 'safe']);

export const WechatAccount = z
  .object({
    id: z.string().min(1),
    appId: z.string().min(1),
    appSecret: z.string().default(''),
    token: z.string().min(3).max(32),
    encodingAesKey: z.string().optional(),
    /** Safe (encrypted) unless configured otherwise: plain mode's signature does not cover the body. */
    mode: WechatMode.default('safe'),
    /** 0 disables the timestamp window (needed for the fixed published vectors). */
    maxClockSkewSeconds: z.number().int().min(0).default(300),
    /** The account's gh_ id; when set, ToUserName must equal it. */
    originalId: z.string().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.mode !== 'plain') {
      try {
        decodeAesKey(a.encodingAesKey ?? '');
      } catch {
        ctx.addIssue({ code: 'custom', path: ['encodingAesKey'], message: 'compat/safe mode needs a 43-character EncodingAESKey' });
      }
    }
  });
export type WechatAccount = z.output<typeof WechatAccount>;

export interface WechatAccountStore {
  get(accountId: string): Promise<WechatAccount | null>;
}

/**
 * The `default` account from the env names of channels.md §1. Throws naming the bad field.
 * WECHAT_ORIGINAL_ID (the gh_ id) is required: a push must be addressed to this account.
 */
export function wechatAccountFromEnv(env: Record<string, string | undefined>): WechatAccount {
  if (!env.WECHAT_ORIGINAL_ID) throw new Error("Invalid configuration: WECHAT_ORIGINAL_ID (the account's gh_ id, ToUserName) is not set");
  return WechatAccount.parse({
    id: 'default',
    appId: env.WECHAT_APP_ID,
    appSecret: env.WECHAT_APP_SECRET ?? '',
    token: env.WECHAT_TOKEN,
    encodingAesKey: env.WECHAT_ENCODING_AES_KEY || undefined,
    mode: env.WECHAT_MODE || undefined,
    maxClockSkewSeconds: env.WECHAT_MAX_CLOCK_SKEW_SECONDS ? Number(env.WECHAT_MAX_CLOCK_SKEW_SECONDS) : undefined,
    originalId: env.WECHAT_ORIGINAL_ID,
  });
}
