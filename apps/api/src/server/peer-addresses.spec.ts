import { resolvePeerUrls, type AddressLookup } from './peer-addresses.js';

const table = new Map<string, { address: string; family: number }[]>([
  ['cache.headless', [{ address: '10.0.0.7', family: 4 }, { address: '10.0.0.8', family: 4 }, { address: 'fd00::9', family: 6 }]],
  ['one.example', [{ address: '10.0.0.1', family: 4 }]],
]);
const lookup: AddressLookup = async (name) => {
  const found = table.get(name);
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
  return found;
};

describe('resolvePeerUrls', () => {
  it('counts a name that resolves to several addresses as all of them', async () => {
    const r = await resolvePeerUrls(['http://cache.headless:5000', 'http://one.example:5001'], lookup);
    expect(r.urls).toEqual(['http://10.0.0.7:5000', 'http://10.0.0.8:5000', 'http://[fd00::9]:5000', 'http://10.0.0.1:5001']);
    expect(r.unresolved).toEqual([]);
  });

  it('keeps addresses, https names and names that do not resolve yet, without duplicates', async () => {
    const r = await resolvePeerUrls(['http://10.0.0.7:5000', 'http://cache.headless:5000', 'https://tls.example:5000', 'http://later.example:5000/'], lookup);
    expect(r.urls).toEqual(['http://10.0.0.7:5000', 'http://10.0.0.8:5000', 'http://[fd00::9]:5000', 'https://tls.example:5000', 'http://later.example:5000']);
    expect(r.unresolved).toEqual([
      { url: 'https://tls.example:5000', message: expect.stringContaining('ENOTFOUND') },
      { url: 'http://later.example:5000/', message: expect.stringContaining('ENOTFOUND') },
    ]);
  });

  it('expands an https name into its addresses, each checked against the name', async () => {
    const r = await resolvePeerUrls(['https://cache.headless:5000'], lookup);
    expect(r.urls).toEqual(['https://10.0.0.7:5000', 'https://10.0.0.8:5000', 'https://[fd00::9]:5000']);
    expect(r.seeds).toEqual(r.urls.map((url) => ({ url, serverName: 'cache.headless' })));
  });

  it('resolves a real name with the system resolver (localhost)', async () => {
    const r = await resolvePeerUrls(['http://localhost:5000']);
    expect(r.urls).toContain('http://127.0.0.1:5000');
  });
});
