/**
 * Request signing for the two SMS vendors, exactly as their docs describe.
 * - Aliyun: V3 "ACS3-HMAC-SHA256" (阿里云 V3 请求结构和签名). The older RPC HMAC-SHA1
 *   signature is not implemented: V3 is what Aliyun documents for new integrations.
 * - Tencent Cloud: "TC3-HMAC-SHA256" (腾讯云 API 3.0 签名方法 v3).
 */
import { createHash, createHmac } from 'node:crypto';

const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();

/** RFC 3986 encoding as Aliyun requires: space → %20, * → %2A, ~ kept. */
export function acsPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface Acs3Input {
  method: string;
  host: string;
  path?: string;
  query: Record<string, string>;
  body: string | Buffer;
  action: string;
  version: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** yyyy-MM-ddTHH:mm:ssZ (UTC). */
  date: string;
  nonce: string;
  /**
   * Further headers to sign. The doc signs `host`, `content-type` when present and every
   * `x-acs-*` header; the official SDK adds e.g. x-acs-credentials-provider.
   */
  extraHeaders?: Record<string, string>;
}

export function acs3CanonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${acsPercentEncode(k)}=${acsPercentEncode(query[k])}`)
    .join('&');
}

/** Returns every header to send (including Authorization) and the intermediate values for tests. */
export function acs3Sign(i: Acs3Input) {
  const hashedPayload = sha256Hex(i.body);
  const signed: Record<string, string> = {
    host: i.host,
    'x-acs-action': i.action,
    'x-acs-content-sha256': hashedPayload,
    'x-acs-date': i.date,
    'x-acs-signature-nonce': i.nonce,
    'x-acs-version': i.version,
  };
  for (const [k, v] of Object.entries(i.extraHeaders ?? {})) {
    const name = k.toLowerCase();
    if (name.startsWith('x-acs-') || name === 'content-type') signed[name] = v;
  }
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed[n].trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [i.method.toUpperCase(), i.path ?? '/', acs3CanonicalQuery(i.query), canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const stringToSign = `ACS3-HMAC-SHA256\n${hashedCanonicalRequest}`;
  const signature = createHmac('sha256', i.accessKeySecret).update(stringToSign).digest('hex');
  const authorization = `ACS3-HMAC-SHA256 Credential=${i.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  const headers: Record<string, string> = { ...signed, Authorization: authorization };
  return { headers, canonicalRequest, hashedCanonicalRequest, signature, authorization };
}

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  /** Unix seconds; the credential date is its UTC date (the doc warns about UTC+8 at midnight). */
  timestamp: number;
  payload: string;
  contentType?: string;
  method?: string;
  query?: string;
}

export function tc3Sign(i: Tc3Input) {
  const ct = i.contentType ?? 'application/json; charset=utf-8';
  const canonicalHeaders = `content-type:${ct.toLowerCase()}\nhost:${i.host.toLowerCase()}\n`;
  const signedHeaders = 'content-type;host';
  const canonicalRequest = [i.method ?? 'POST', '/', i.query ?? '', canonicalHeaders, signedHeaders, sha256Hex(i.payload)].join('\n');
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${i.service}/tc3_request`;
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const stringToSign = `TC3-HMAC-SHA256\n${i.timestamp}\n${scope}\n${hashedCanonicalRequest}`;
  const kDate = hmac(`TC3${i.secretKey}`, date);
  const kService = hmac(kDate, i.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${i.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, hashedCanonicalRequest, stringToSign, signature, authorization };
}
