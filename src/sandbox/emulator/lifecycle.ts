// App installation and removal: ONAPPINSTALL with the installer's tokens, ONAPPUNINSTALL to bound handlers (api doc §3.4–3.5).
import { removeBot } from './bots.js';
import type { DeliveryOutcome } from './delivery.js';
import { DriverError } from './messenger.js';
import { bareAuthBlock, eventAuthBlock, randomHex } from './oauth.js';
import type { Portal } from './portal.js';
import type { Installation } from './types.js';

export interface InstallAppInput {
  clientId: string;
  clientSecret: string;
  /** "Installation path": receives the ONAPPINSTALL form once. */
  installUrl: string;
  /** "Handler path" (kept for completeness; API-only apps give it no role). */
  handlerUrl?: string;
  /** Scopes ticked for the app, as a list or a comma-separated string. */
  scope: string[] | string;
  /** The admin who installs the app. */
  installerId: number;
  code?: string;
  version?: number;
}

export interface InstallResult {
  memberId: string;
  applicationToken: string;
  /** HTTP status the install handler answered with (0: unreachable). */
  status: number;
  /** The installer's token pair as sent in ONAPPINSTALL (handy for tests). */
  accessToken: string;
  refreshToken: string;
}

export async function installApp(portal: Portal, input: InstallAppInput): Promise<InstallResult> {
  const state = portal.state;
  const installer = state.users.get(input.installerId);
  if (!installer || installer.bot || !installer.active || !installer.admin) {
    throw new DriverError(`Only an active portal admin can install an app (user ${input.installerId} cannot)`);
  }
  const scopes = (Array.isArray(input.scope) ? input.scope : input.scope.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  const existing = state.installations.get(input.clientId);
  // Re-installing keeps the installation's application_token; a removed app comes back with a new one.
  const installation: Installation = {
    appId: existing?.appId ?? state.nextId('app'),
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    applicationToken: existing?.installed ? existing.applicationToken : randomHex(16),
    scopes,
    status: 'L',
    installerId: installer.id,
    installUrl: input.installUrl,
    handlerUrl: input.handlerUrl ?? input.installUrl,
    installed: true,
    version: input.version ?? 1,
    code: input.code ?? input.clientId,
  };
  state.installations.set(installation.clientId, installation);

  const token = portal.host.tokens.issue(state.identity.slug, installation.clientId, installer.id, portal.host.tokenTtlSec, portal.now());
  // The documented example has no `expires` and no `user_id` [unconfirmed whether present]: we leave them out.
  const auth = eventAuthBlock(token, installation, state.identity, portal.endpoints(), {
    withRefresh: true,
    withExpires: false,
    withUserId: false,
  });
  const envelope = {
    event: 'ONAPPINSTALL',
    data: { VERSION: String(installation.version), ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: state.identity.language },
    ts: String(portal.clock.nowSec()),
    auth,
  };
  const outcome = await portal.delivery.postAppEvent(installation.installUrl, envelope);
  return {
    memberId: state.identity.memberId,
    applicationToken: installation.applicationToken,
    status: typeof outcome.httpStatus === 'number' ? outcome.httpStatus : 0,
    accessToken: token.accessToken,
    refreshToken: token.refreshToken,
  };
}

export interface UninstallResult {
  /** ONIMBOTV2DELETE of every bot of the app, then ONAPPUNINSTALL to each bound handler. */
  outcomes: DeliveryOutcome[];
}

export async function uninstallApp(portal: Portal, clientId?: string, clean = true): Promise<UninstallResult> {
  const state = portal.state;
  const installation = clientId ? state.installations.get(clientId) : [...state.installations.values()].find((i) => i.installed);
  if (!installation || !installation.installed) throw new DriverError('No installed app to remove');
  installation.installed = false;
  portal.host.tokens.revokeInstallation(state.identity.slug, installation.clientId);

  const deliveries: Array<Promise<DeliveryOutcome>> = [];
  for (const bot of [...state.bots.values()]) {
    if (bot.ownerKey === installation.clientId) deliveries.push(removeBot(portal, bot, null));
  }
  const auth = bareAuthBlock(state.identity, portal.endpoints(), installation.applicationToken);
  for (const [id, binding] of state.bindings) {
    if (binding.clientId !== installation.clientId) continue;
    if (binding.event === 'ONAPPUNINSTALL') {
      deliveries.push(
        portal.delivery.postAppEvent(binding.handler, {
          event: 'ONAPPUNINSTALL',
          event_handler_id: String(binding.id),
          data: { LANGUAGE_ID: state.identity.language, CLEAN: clean ? '1' : '0' },
          ts: String(portal.clock.nowSec()),
          auth,
        }),
      );
    }
    // Handlers are wiped with the app.
    state.bindings.delete(id);
  }
  return { outcomes: await Promise.all(deliveries) };
}
