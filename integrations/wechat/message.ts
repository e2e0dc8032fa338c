/**
 * Maps one decrypted WeChat message (接收普通消息 / 接收事件推送, official docs) to an
 * InboundAppeal, a ChannelEvent, or nothing (channels.md §1 "Messages (POST)").
 */
import type { InboundAppeal } from '../inbound-appeal';
import type { ChannelEvent } from '../shared/ports';
import type { WechatFields } from './xml';

export type WechatParsed =
  | { kind: 'appeal'; appeal: InboundAppeal; openId: string }
  | { kind: 'event'; event: ChannelEvent; eventName: string; eventKey?: string; openId: string }
  | { kind: 'unsupported'; msgType: string; openId: string };

export class WechatMessageError extends Error {}

/** Default: 工单号 prefix optional, then our number (8–20 digits, optional letters ahead). Configurable. */
export const DEFAULT_TICKET_NO = /^\s*(?:工单号?\s*[:：]?\s*)?([A-Z]{0,4}\d{8,20})(?![\d])/;

const iso = (unixSeconds: string) => new Date(Number(unixSeconds) * 1000).toISOString();

const VOICE_MIME: Record<string, string> = { amr: 'audio/amr', speex: 'audio/speex', mp3: 'audio/mpeg' };

export function toInbound(f: WechatFields, ctx: { appId: string; receivedAt: Date; rawRef?: string; ticketNoPattern?: RegExp }): WechatParsed {
  const openId = f.FromUserName;
  const msgType = f.MsgType;
  if (!openId || !msgType || !/^\d{1,12}$/.test(f.CreateTime ?? '')) {
    throw new WechatMessageError('missing FromUserName/MsgType/CreateTime');
  }
  if (msgType === 'event') {
    const eventName = f.Event ?? '';
    const event: ChannelEvent = {
      channel: 'wechat',
      channelAccount: ctx.appId,
      type: `wechat.${eventName.toLowerCase() || 'unknown'}`,
      // channels.md §1 Idempotency: events have no MsgId.
      externalId: `${openId}:${f.CreateTime}:${eventName}`,
      at: iso(f.CreateTime),
      data: { ...f, rawRef: ctx.rawRef },
    };
    return { kind: 'event', event, eventName, eventKey: f.EventKey, openId };
  }
  if (!f.MsgId) {
    if (['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link'].includes(msgType)) {
      throw new WechatMessageError('message without MsgId');
    }
    return { kind: 'unsupported', msgType, openId };
  }
  const base = {
    channel: 'wechat' as const,
    channelAccount: ctx.appId,
    externalId: f.MsgId,
    receivedAt: ctx.receivedAt.toISOString(),
    occurredAt: iso(f.CreateTime),
    citizen: { openId },
    replyRoute: { channel: 'wechat' as const, address: openId },
    rawRef: ctx.rawRef,
  };
  let appeal: InboundAppeal;
  switch (msgType) {
    case 'text': {
      const text = f.Content?.trim() || '[空消息]';
      const m = (ctx.ticketNoPattern ?? DEFAULT_TICKET_NO).exec(text);
      appeal = { ...base, content: { text }, attachments: [], ...(m ? { threadRef: { ticketNo: m[1] } } : {}) };
      break;
    }
    case 'image':
      appeal = { ...base, content: { text: '[图片]' }, attachments: [{ kind: 'image', mime: 'image/*', remoteRef: f.MediaId }] };
      break;
    case 'voice':
      // Recognition is WeChat's own ASR result, present only when the account enabled it.
      appeal = {
        ...base,
        content: { text: f.Recognition?.trim() || '[语音]' },
        attachments: [{ kind: 'audio', mime: VOICE_MIME[(f.Format ?? '').toLowerCase()] ?? 'audio/*', remoteRef: f.MediaId }],
      };
      break;
    case 'video':
    case 'shortvideo':
      appeal = { ...base, content: { text: '[视频]' }, attachments: [{ kind: 'video', mime: 'video/mp4', remoteRef: f.MediaId }] };
      break;
    case 'location': {
      const lat = Number(f.Location_X);
      const lng = Number(f.Location_Y);
      if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
        throw new WechatMessageError('bad Location_X/Location_Y');
      }
      appeal = {
        ...base,
        content: { text: f.Label?.trim() || '[位置]' },
        attachments: [],
        location: { lat, lng, ...(f.Label ? { address: f.Label.slice(0, 500) } : {}) },
      };
      break;
    }
    case 'link':
      appeal = {
        ...base,
        content: { text: [f.Title, f.Description, f.Url].filter(Boolean).join('\n') || '[链接]', ...(f.Title ? { title: f.Title.slice(0, 200) } : {}) },
        attachments: [],
      };
      break;
    default:
      return { kind: 'unsupported', msgType, openId };
  }
  return { kind: 'appeal', appeal, openId };
}
