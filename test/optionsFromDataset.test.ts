import { describe, expect, it } from 'vitest';
import { misspeltAttributes, optionsFromDataset } from '../src/hosts/script/optionsFromDataset.js';

describe('script tag data-* attributes', () => {
  it('reads every documented attribute', () => {
    expect(
      optionsFromDataset({
        publicApiKey: 'AbC123',
        dataPlaneUrl: 'https://dp.example',
        writeKey: 'wk',
        sendPageAsTrack: '',
        identifyFromForms: 'true',
        clientApi: 'false',
        loadTimeoutMs: '500',
      }),
    ).toEqual({
      publicApiKey: 'AbC123',
      sendPageAsTrack: true,
      identifyFromForms: true,
      clientApi: false,
      loadTimeoutMs: '500',
      cloudMode: { dataPlaneUrl: 'https://dp.example', writeKey: 'wk' },
    });
  });

  it('names a misspelt attribute and the one meant; leaves other tools’ attributes alone', () => {
    expect(
      misspeltAttributes({
        apiKey: 'AbC123',
        sendPageAstrack: 'true',
        dataplaneUrl: 'https://dp.example',
        cfasync: 'false',
        publicApiKey: 'AbC123',
      }),
    ).toEqual([
      ['data-api-key', 'data-public-api-key'],
      ['data-send-page-astrack', 'data-send-page-as-track'],
      ['data-dataplane-url', 'data-data-plane-url'],
    ]);
  });
});
