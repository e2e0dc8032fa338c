/**
 * The vendors' official Node SDKs as oracle (channels.md §4 "Testing for real"): each SDK sends a
 * real SendSms to our loopback fake. (1) The fake's independent verifier accepts the SDK's
 * signature, so fake and vendor agree on the algorithm. (2) Our signer, fed the SDK's own time,
 * nonce, query and body, produces the SDK's Authorization header byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Dysmsapi, * as $Dysmsapi from '@alicloud/dysmsapi20170525';
import * as $OpenApi from '@alicloud/openapi-core';
import http from 'node:http';
import net from 'node:net';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { startFakeAliyun, startFakeTencent, type FakeVendor } from './fixtures/fake-vendors';
import { acs3Sign, tc3Sign } from './signers';

let ali: FakeVendor, tc: FakeVendor;
beforeAll(async () => {
  ali = await startFakeAliyun({ LTAI_ORACLE: 'oracle-secret' });
  tc = await startFakeTencent({ AKID_ORACLE: 'oracle-secret-tc' });
});
afterAll(async () => {
  await ali.close();
  await tc.close();
});

describe('@alicloud/dysmsapi20170525 as oracle for ACS3-HMAC-SHA256', () => {
  it('the SDK request passes the fake, and our signer reproduces its Authorization', async () => {
    const Client = ((Dysmsapi as unknown as { default?: typeof Dysmsapi }).default ?? Dysmsapi) as typeof Dysmsapi;
    const client = new Client(
      new $OpenApi.$OpenApiUtil.Config({ accessKeyId: 'LTAI_ORACLE', accessKeySecret: 'oracle-secret', endpoint: new URL(ali.url).host, protocol: 'http' }),
    );
    const res = await client.sendSms(
      new $Dysmsapi.SendSmsRequest({
        phoneNumbers: '13800138000',
        signName: '12345热线',
        templateCode: 'SMS_1001',
        templateParam: '{"ticketNo":"20261125000001"}',
        outId: 'n-oracle',
      }),
    );
    expect(res.body?.code).toBe('OK');
    expect(ali.calls.at(-1)?.ok).toBe(true);

    const r = ali.raw.at(-1)!;
    const url = new URL(r.url, 'http://x');
    const ours = acs3Sign({
      method: r.method,
      host: String(r.headers.host),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: r.body,
      action: String(r.headers['x-acs-action']),
      version: String(r.headers['x-acs-version']),
      accessKeyId: 'LTAI_ORACLE',
      accessKeySecret: 'oracle-secret',
      date: String(r.headers['x-acs-date']),
      nonce: String(r.headers['x-acs-signature-nonce']),
      extraHeaders: Object.fromEntries(
        Object.entries(r.headers)
          .filter(([k]) => k.startsWith('x-acs-') || k === 'content-type')
          .map(([k, v]) => [k, String(v)]),
      ),
    });
    expect(ours.authorization).toBe(String(r.headers.authorization));
  });
});

describe('tencentcloud-sdk-nodejs-sms as oracle for TC3-HMAC-SHA256', () => {
  it('the SDK request passes the fake, and our signer reproduces its Authorization', async () => {
    const Client = tencentcloud.sms.v20210111.Client;
    // The SDK derives the signed service name from the endpoint's first label, so it must talk to
    // "sms.tencentcloudapi.com": an agent routes that connection to the loopback fake instead.
    const port = Number(new URL(tc.url).port);
    const agent = new (class extends http.Agent {
      createConnection() {
        return net.connect(port, '127.0.0.1');
      }
    })();
    const client = new Client({
      credential: { secretId: 'AKID_ORACLE', secretKey: 'oracle-secret-tc' },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: 'sms.tencentcloudapi.com', protocol: 'http://', agent } },
    });
    const res = await client.SendSms({
      PhoneNumberSet: ['+8613800138000'],
      SmsSdkAppId: '1400000001',
      SignName: '12345热线',
      TemplateId: '2001',
      TemplateParamSet: ['123456'],
      SessionContext: 'n-oracle',
    });
    expect(res.SendStatusSet?.[0]?.Code).toBe('Ok');
    expect(tc.calls.at(-1)?.ok).toBe(true);

    const r = tc.raw.at(-1)!;
    const ours = tc3Sign({
      secretId: 'AKID_ORACLE',
      secretKey: 'oracle-secret-tc',
      service: 'sms',
      host: String(r.headers.host),
      timestamp: Number(r.headers['x-tc-timestamp']),
      payload: r.body.toString('utf8'),
      contentType: String(r.headers['content-type']),
    });
    expect(ours.authorization).toBe(String(r.headers.authorization));
  });
});
