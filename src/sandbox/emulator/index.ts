// Public surface of the local Bitrix24 portal emulator.
export { startEmulator, Emulator, type EmulatorOptions, type OAuthLogEntry } from './emulator.js';
export {
  Portal,
  type ActivityEntry,
  type NewChat,
  type NewUser,
  type OutageMode,
  type PortalOptions,
  type RequestLogEntry,
} from './portal.js';
export { UserActor, type SendResult } from './actor.js';
export { Clock } from './clock.js';
export type { DemoIds } from './demo.js';
export type { DeliveryFaults, DeliveryOutcome, EventLogEntry } from './delivery.js';
export type { InstallAppInput, InstallResult, UninstallResult } from './lifecycle.js';
export { DriverError, type PressResult } from './messenger.js';
export type { RateLimitSettings } from './rate-limit.js';
export type { ButtonView, DialogMessageView, PortalSnapshot } from './views.js';
export type { NewWorkgroup } from './workgroups.js';
export { httpBuildQuery, parseBracketQuery } from './php.js';
