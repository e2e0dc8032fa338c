/**
 * WeChat XML in and out. Values stay strings (MsgId is a 64-bit number: parsing it as a JS
 * number would lose digits and break dedup). DOCTYPE/ENTITY declarations are refused outright:
 * WeChat never sends them and they are the XXE / entity-expansion door.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class WechatXmlError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
});

export type WechatFields = Record<string, string>;

/** Parses `<xml>…</xml>` into a flat map of its child elements (nested ones flattened one level). */
export function parseWechatXml(text: string): WechatFields {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new WechatXmlError('DTD not allowed');
  // The parser throws on input it refuses (e.g. 'Maximum nested tags exceeded' for deep nesting): that is a
  // malformed push, not our failure (found by test/fuzz/channels-fuzz.test.ts; it answered 503, so WeChat retried it).
  let doc: Record<string, unknown>;
  try {
    if (XMLValidator.validate(text) !== true) throw new WechatXmlError('malformed XML');
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof WechatXmlError) throw e;
    throw new WechatXmlError(`unparseable XML: ${(e as Error).message}`.slice(0, 200));
  }
  const root = doc.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WechatXmlError('no <xml> root');
  const out: WechatFields = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      // e.g. <Video><MediaId/>…</Video> in replies, <SendLocationInfo> in location_select
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (typeof v2 === 'string') out[`${k}.${k2}`] = v2;
    }
  }
  return out;
}

/** CDATA cannot contain "]]>": split it across two sections. */
export function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Passive text reply (被动回复文本消息): From/To swapped. */
export function textReplyXml(toOpenId: string, fromOriginalId: string, createTime: number, content: string): string {
  return (
    `<xml><ToUserName>${cdata(toOpenId)}</ToUserName><FromUserName>${cdata(fromOriginalId)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`
  );
}

/** Encrypted reply envelope (安全模式回复). */
export function encryptedReplyXml(encrypt: string, msgSignature: string, timestamp: string, nonce: string): string {
  return (
    `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(msgSignature)}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}
