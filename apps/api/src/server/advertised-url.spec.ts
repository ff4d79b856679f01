import { advertisedUrl, localAddressToward } from './advertised-url.js';

describe('advertisedUrl', () => {
  it('takes SELF_URL, then a specific HOST, as given', async () => {
    expect(await advertisedUrl({ host: '0.0.0.0', port: 5000, selfUrl: 'https://cache.example/', peerUrls: [] })).toBe('https://cache.example');
    expect(await advertisedUrl({ host: '10.1.2.3', port: 5000, peerUrls: [] })).toBe('http://10.1.2.3:5000');
    expect(await advertisedUrl({ host: '::1', port: 5000, peerUrls: [] })).toBe('http://[::1]:5000');
  });

  it('on 0.0.0.0 advertises the address this node reaches its peers from, not 127.0.0.1 by default', async () => {
    // The peer is on loopback here, so the route to it starts at a loopback address.
    expect(await advertisedUrl({ host: '0.0.0.0', port: 5000, peerUrls: ['http://127.0.0.1:5001'] })).toBe('http://127.0.0.1:5000');
    expect(await localAddressToward('127.0.0.1')).toBe('127.0.0.1');
    expect(await localAddressToward('not-an-address')).toBeUndefined();
  });
});
