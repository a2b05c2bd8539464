import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { demoDeliveryPolicy, demoDownloadUrl } from '../src/exports/demo-deliveries.ts';

// No database: a *.once.test.ts runs in one run of the dialect matrix.
describe('delivery settings of the demo', () => {
  it('accepts nothing unless configured: no e-mail without SMTP_URL, no webhook without an allow-list', () => {
    const { delivery } = loadConfig({});
    expect(demoDeliveryPolicy(delivery)).toEqual({ email: false, webhookAllowList: [] });
    expect(delivery.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('reads SMTP_URL, PUBLIC_URL and the webhook allow-list with its secret', () => {
    const { delivery } = loadConfig({
      SMTP_URL: 'smtp://mail.example.com:587',
      PUBLIC_URL: 'https://exports.example.com/',
      WEBHOOK_ALLOW_LIST: 'https://hooks.example.com, http://10.0.0.5:8080',
      WEBHOOK_SECRET: 's3cret',
      DELIVERY_ATTACH_LIMIT_BYTES: '1000',
    });
    expect(demoDeliveryPolicy(delivery)).toEqual({ email: true, webhookAllowList: ['https://hooks.example.com', 'http://10.0.0.5:8080'] });
    expect(demoDownloadUrl(delivery.publicUrl, 7)).toBe('https://exports.example.com/api/export-tasks/7/download');
    expect(delivery.attachLimitBytes).toBe(1000);
  });

  it('refuses webhooks without a signing secret, and an allow-list entry that is no http(s) origin', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_LIST: 'https://hooks.example.com' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadConfig({ WEBHOOK_ALLOW_LIST: 'ftp://files.example.com', WEBHOOK_SECRET: 'x' })).toThrow(/WEBHOOK_ALLOW_LIST/);
    expect(() => loadConfig({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL/);
  });
});
