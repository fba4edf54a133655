// Every REST method the emulator serves, in one registry.
import { MethodRegistry } from '../registry.js';
import { appMethods } from './app.js';
import { batchMethods } from './batch.js';
import { imbotBotMethods } from './imbot-bot.js';
import { imbotChatMethods } from './imbot-chat.js';
import { imbotCommandMethods } from './imbot-command.js';
import { imbotExtraMethods } from './imbot-extra.js';
import { imbotFileMethods } from './imbot-file.js';
import { imbotMessageMethods } from './imbot-message.js';
import { logMethods } from './log.js';
import { socialnetworkApiMethods } from './socialnetwork-api.js';
import { sonetGroupMethods } from './sonet-group.js';
import { sonetMemberMethods } from './sonet-members.js';
import { userMethods } from './user.js';

export function createRegistry(): MethodRegistry {
  return new MethodRegistry()
    .add(imbotBotMethods)
    .add(imbotCommandMethods)
    .add(imbotMessageMethods)
    .add(imbotChatMethods)
    .add(imbotExtraMethods)
    .add(imbotFileMethods)
    .add(sonetGroupMethods)
    .add(sonetMemberMethods)
    .add(socialnetworkApiMethods)
    .add(logMethods)
    .add(userMethods)
    .add(appMethods)
    .add(batchMethods);
}
