// The logging surface the bot needs (fastify's pino satisfies it); nothing logged may hold a token.
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Keys whose values never reach a log line, wherever they sit in an object. */
export const REDACT_PATHS = [
  'auth',
  '*.auth',
  '*.access_token',
  '*.refresh_token',
  '*.application_token',
  '*.accessToken',
  '*.refreshToken',
  '*.applicationToken',
  '*.botToken',
  'req.headers.authorization',
];
