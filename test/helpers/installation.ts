// A stored installation for unit tests of the store, the REST client and the poller: an application in fetch mode, bot 5.
import type { Installation } from '../../src/store/types.js';

export function testInstallation(over: Partial<Installation> = {}): Installation {
  return {
    memberId: 'm1',
    domain: 'acme.bitrix24.com',
    clientEndpoint: 'https://acme.bitrix24.com/rest',
    serverEndpoint: '',
    applicationToken: 'app',
    accessToken: 'a',
    refreshToken: 'r',
    expires: 0,
    scope: '',
    installerId: 1,
    language: 'en',
    auth: 'oauth',
    botId: 5,
    botCode: 'study_groups_bot',
    commandIds: {},
    eventMode: 'fetch',
    webhookUrl: null,
    status: 'active',
    installedAt: '',
    updatedAt: '',
    ...over,
  };
}
